import { CommandRunner, Option } from 'nest-commander';
import { print } from './output';

export interface JsonOptions {
  json?: boolean;
  wide?: boolean;
}

/** Every command prints a readable table by default (--wide: nothing shortened) and JSON for scripts with --json. */
export abstract class JsonCommand<O extends JsonOptions = JsonOptions> extends CommandRunner {
  abstract execute(params: string[], options: O): Promise<unknown>;

  async run(params: string[], options: O): Promise<void> {
    const result = await this.execute(params, options);
    if (result !== undefined) print(result, options.json ?? false, { wide: options.wide ?? false });
  }

  @Option({ flags: '--json', description: 'print JSON for scripts' })
  parseJson(): boolean {
    return true;
  }

  @Option({ flags: '--wide', description: 'tables show ids and long values (payloads) in full' })
  parseWide(): boolean {
    return true;
  }
}

/** Parses a non-negative integer option, with a message naming the flag. */
export const integer =
  (flag: string) =>
  (value: string): number => {
    if (!/^\d{1,15}$/.test(value)) throw new Error(`${flag} must be a non-negative integer`);
    return Number(value);
  };

/** A failed check (verify mismatch): the message is printed, and the process exits non-zero. */
export class CheckFailedError extends Error {}
