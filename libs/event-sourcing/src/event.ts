/**
 * A domain event as deciders see it: a stable, past-tense `type` (a persisted contract, never renamed) and
 * JSON-only `data` (no Date, bigint or class instances: events are stored as JSON and read back as JSON).
 */
export interface DomainEvent<TType extends string = string, TData extends object = object> {
  readonly type: TType;
  readonly data: TData;
}

/** Stored in every event's custom metadata. */
export interface EventMetadata {
  readonly eventId: string;
  /** Id of the whole conversation (the first request or message); the same on every event it leads to. */
  readonly correlationId: string;
  /** Id of the message that directly caused this event: the request id or the causing event's id. */
  readonly causationId: string;
  readonly userId?: string;
  /** W3C trace context of the request that appended the event. */
  readonly traceparent?: string;
  /** Version of this event type's `data` shape when written; upcasters bring old versions up to date. */
  readonly schemaVersion: number;
  /** ISO-8601 business time: the `now` of the command that produced the event. */
  readonly occurredAt: string;
  /** Present when the producing command carried an idempotency key (event ids are then derived from it). */
  readonly idempotencyKey?: string;
  /** The digest of the request that carried the idempotency key (see CommandMetadata.requestFingerprint). */
  readonly requestFingerprint?: string;
}

/** Position in the global log ($all). */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** An event read back from a stream, already upcast to the current shape of its type. */
export interface StoredEvent<E extends DomainEvent = DomainEvent> {
  readonly streamName: string;
  readonly revision: bigint;
  readonly position?: LogPosition;
  readonly event: E;
  readonly metadata: EventMetadata;
  /** When the store recorded the event (store clock; `metadata.occurredAt` is the business clock). */
  readonly recordedAt: Date;
}

/**
 * Who and what is behind a command: taken from the incoming request, or from the event that caused it
 * (see {@link contextFromEvent}), so correlation and causation flow through process managers.
 */
export interface MessageContext {
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly userId?: string;
  readonly traceparent?: string;
}

/** Context for a command caused by `cause`: same correlation, causation = that event. */
export const contextFromEvent = (cause: StoredEvent): MessageContext => ({
  correlationId: cause.metadata.correlationId,
  causationId: cause.metadata.eventId,
  ...(cause.metadata.userId !== undefined ? { userId: cause.metadata.userId } : {}),
  ...(cause.metadata.traceparent !== undefined ? { traceparent: cause.metadata.traceparent } : {}),
});

export interface EventMetadataInput {
  readonly eventId: string;
  readonly schemaVersion: number;
  readonly occurredAt: Date;
  readonly context?: MessageContext;
  readonly idempotencyKey?: string;
  readonly requestFingerprint?: string;
  /** Used as correlation id when the context has none: a command that starts a conversation. */
  readonly fallbackCorrelationId: string;
}

export const buildEventMetadata = (input: EventMetadataInput): EventMetadata => {
  const ctx = input.context ?? {};
  const correlationId = ctx.correlationId ?? input.fallbackCorrelationId;
  return {
    eventId: input.eventId,
    correlationId,
    causationId: ctx.causationId ?? correlationId,
    ...(ctx.userId !== undefined ? { userId: ctx.userId } : {}),
    ...(ctx.traceparent !== undefined ? { traceparent: ctx.traceparent } : {}),
    schemaVersion: input.schemaVersion,
    occurredAt: input.occurredAt.toISOString(),
    ...(input.idempotencyKey !== undefined ? { idempotencyKey: input.idempotencyKey } : {}),
    ...(input.requestFingerprint !== undefined ? { requestFingerprint: input.requestFingerprint } : {}),
  };
};
