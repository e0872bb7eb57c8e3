import { v5 as uuidv5 } from 'uuid';

// Fixed forever: changing it would make retries of already-appended commands append again.
const EVENT_ID_NAMESPACE = '6f1f8d0e-8f0b-4c55-9a57-2f4a1d3c0b7e';

/**
 * The id of the `index`-th event a command with this idempotency key appends to this stream. Deterministic,
 * so a retry produces the same ids; the stream name is part of the input so the same key used on two
 * streams still yields globally unique event ids. The request fingerprint, when there is one, is part of it
 * too: two different requests under one key then never look alike to EventStoreDB's own idempotent-append
 * check (which would acknowledge the second without writing it), and the second is refused as a key reuse.
 */
export const idempotentEventId = (
  streamName: string,
  idempotencyKey: string,
  index: number,
  requestFingerprint?: string,
): string =>
  uuidv5(
    requestFingerprint === undefined
      ? `${streamName}\n${idempotencyKey}\n${index}`
      : `${streamName}\n${idempotencyKey}\n${requestFingerprint}\n${index}`,
    EVENT_ID_NAMESPACE,
  );
