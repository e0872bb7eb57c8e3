import { type ArgumentMetadata, Injectable, ValidationPipe, type ValidationError } from '@nestjs/common';
import { type FieldError } from './problem';

/** A request that failed DTO validation (or the structural limits below): always 400 with field errors. */
export class RequestValidationError extends Error {
  constructor(readonly errors: FieldError[]) {
    super('The request is invalid');
    this.name = 'RequestValidationError';
  }
}

export interface StructuralLimits {
  maxDepth: number;
  maxKeys: number;
  maxStringLength: number;
  maxArrayLength: number;
}

export const DEFAULT_LIMITS: StructuralLimits = {
  maxDepth: 8,
  maxKeys: 1_000,
  maxStringLength: 10_000,
  maxArrayLength: 1_000,
};

/**
 * Characters no free text of this API may hold: C0 controls but tab, line feed and carriage return, DEL, C1
 * controls, and the bidirectional controls that make text display other than it reads (Trojan Source).
 */
const FORBIDDEN_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

const describeCharacter = (text: string): string => {
  const found = FORBIDDEN_CHARACTERS.exec(text)![0];
  return `U+${found.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
};

/**
 * Rejects shapes no DTO of this API accepts before class-transformer even instantiates them: deep nesting,
 * huge strings/arrays, control characters in text, and keys that mean something to MongoDB or to the JavaScript runtime (`$gt`,
 * `$where`, `a.b`, `__proto__`). Belt and braces: DTO validation already rejects objects where scalars
 * are expected, and query handlers never pass client objects to MongoDB.
 */
export function structuralProblems(value: unknown, limits: StructuralLimits = DEFAULT_LIMITS): FieldError[] {
  const problems: FieldError[] = [];
  let keys = 0;
  const visit = (node: unknown, pathSoFar: string, depth: number): void => {
    if (problems.length > 10) return;
    const field = pathSoFar || '(body)';
    if (typeof node === 'string') {
      if (node.length > limits.maxStringLength)
        problems.push({ field, messages: [`must be at most ${limits.maxStringLength} characters`] });
      else if (FORBIDDEN_CHARACTERS.test(node))
        problems.push({
          field,
          messages: [
            `must not contain control or bidirectional-control characters (found ${describeCharacter(node)})`,
          ],
        });
      return;
    }
    if (node === null || typeof node !== 'object') return;
    if (depth > limits.maxDepth) {
      problems.push({ field, messages: [`is nested more than ${limits.maxDepth} levels deep`] });
      return;
    }
    if (Array.isArray(node)) {
      if (node.length > limits.maxArrayLength) {
        problems.push({ field, messages: [`must have at most ${limits.maxArrayLength} items`] });
        return;
      }
      node.forEach((item, i) => visit(item, pathSoFar ? `${pathSoFar}.${i}` : String(i), depth + 1));
      return;
    }
    for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
      if (++keys > limits.maxKeys) {
        problems.push({ field, messages: [`has more than ${limits.maxKeys} fields`] });
        return;
      }
      const childPath = pathSoFar ? `${pathSoFar}.${key}` : key;
      if (
        key.startsWith('$') ||
        key.includes('.') ||
        key.includes('\0') ||
        key === '__proto__' ||
        key === 'constructor'
      ) {
        problems.push({ field: childPath.slice(0, 200), messages: ['is not an allowed field name'] });
        continue;
      }
      visit(child, childPath, depth + 1);
    }
  };
  visit(value, '', 0);
  return problems;
}

const flatten = (errors: ValidationError[], parent = ''): FieldError[] =>
  errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });

/**
 * The global validation pipe: only declared fields (unknown ones are a 400, not silently dropped), values
 * converted to the DTO's types, no implicit conversion (an object never becomes a string), structural
 * limits first.
 */
@Injectable()
export class RequestValidationPipe extends ValidationPipe {
  constructor(private readonly limits: StructuralLimits = DEFAULT_LIMITS) {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      stopAtFirstError: false,
      exceptionFactory: (errors) => new RequestValidationError(flatten(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const problems = structuralProblems(value, this.limits);
      if (problems.length > 0) throw new RequestValidationError(problems);
    }
    return super.transform(value, metadata);
  }
}
