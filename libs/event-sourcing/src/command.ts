/**
 * A command as deciders see it. Everything non-deterministic (time, ids) comes in on the command so
 * `decide` stays pure and replayable.
 */
export interface Command<TType extends string = string, TData extends object = object> {
  readonly type: TType;
  readonly data: TData;
  readonly metadata: CommandMetadata;
}

export interface CommandMetadata {
  /** The decider's clock; also the `occurredAt` of the events it produces. */
  readonly now: Date;
  /**
   * Makes the command idempotent on its stream: event ids are derived from the key, so the same command
   * sent twice (or retried after a lost response) appends once and returns the original result.
   */
  readonly idempotencyKey?: string;
  /**
   * A digest of the request that carried the idempotency key (HTTP: method, path and body). Stored with the
   * key; the same key arriving with another fingerprint is a different request reusing the key, and refused.
   */
  readonly requestFingerprint?: string;
}
