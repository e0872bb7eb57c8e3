import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { PermanentFailure } from './amqp-consumer';

export interface InboundMessage<T = unknown> {
  /** The sender's message id (AMQP message-id or CloudEvents id): the inbox and idempotency key use it. */
  readonly id: string;
  readonly type: string;
  readonly data: T;
  /** 1 on the first delivery, then one more per retry. */
  readonly attempt: number;
}

/** An event type another service sends us: its schema (in `schemas/`) and what applying it does. */
export interface InboundContract<T = unknown> {
  readonly type: string;
  /** The JSON body checked against the type's schema; anything else is a PermanentFailure naming why. */
  parse(content: Buffer): T;
  apply(message: InboundMessage<T>): Promise<void>;
}

// Built on the first contract (only processes that consume do), not when the module is loaded.
let ajv: Ajv2020 | undefined;
const validator = (): Ajv2020 => (ajv ??= addFormats(new Ajv2020({ allErrors: true, strict: true })));

/**
 * A contract whose payload is checked against its JSON Schema (`schemas/<type>.schema.json`, imported by the
 * contract's module so the build carries it).
 */
export const inboundContract = <T>(
  type: string,
  schema: Record<string, unknown>,
  apply: (message: InboundMessage<T>) => Promise<void>,
): InboundContract<T> => {
  const id = typeof schema.$id === 'string' ? schema.$id : type;
  const validate = (validator().getSchema<T>(id) ?? validator().compile<T>(schema)) as ValidateFunction<T>;
  return {
    type,
    parse: (content) => {
      let body: unknown;
      try {
        body = JSON.parse(content.toString('utf8'));
      } catch {
        throw new PermanentFailure(`${type}: the body is not JSON`);
      }
      if (!validate(body)) {
        const reasons = (validate.errors ?? []).map((e) =>
          `${e.instancePath || '/'} ${e.message ?? ''}`.trim(),
        );
        throw new PermanentFailure(`${type}: ${reasons.join('; ')}`);
      }
      return body;
    },
    apply,
  };
};
