import { Transform } from 'class-transformer';
import { IsBoolean, IsNumber, Max, Min } from 'class-validator';

const compose =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const decorator of decorators) decorator(target, key);
  };

const blank = (value: unknown): boolean =>
  value === undefined || (typeof value === 'string' && value.trim() === '');

/** A number from the environment within [min, max]; `integer` rejects fractions. */
export const NumberVariable = (name: string, min: number, max: number, fallback: number, integer = true) =>
  compose(
    Transform(({ value }: { value: unknown }) => (blank(value) ? fallback : Number(value))),
    IsNumber(
      { allowNaN: false, allowInfinity: false, maxDecimalPlaces: integer ? 0 : 6 },
      { message: `${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}` },
    ),
    Min(min, { message: `${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}` }),
    Max(max, { message: `${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}` }),
  );

/** true/false, 1/0, yes/no, on/off; unset is `fallback` (undefined only with @IsOptional). */
export const BooleanVariable = (name: string, fallback: boolean | undefined) =>
  compose(
    Transform(({ value }: { value: unknown }) => {
      if (blank(value)) return fallback;
      const text = (typeof value === 'string' ? value : JSON.stringify(value)).trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(text)) return true;
      if (['false', '0', 'no', 'off'].includes(text)) return false;
      return value;
    }),
    IsBoolean({ message: `${name} must be true or false` }),
  );
