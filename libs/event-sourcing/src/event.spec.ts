import { buildEventMetadata, contextFromEvent, type StoredEvent } from '@shop/event-sourcing';

const occurredAt = new Date('2026-03-01T10:00:00.000Z');

describe('event metadata', () => {
  it('takes correlation, causation, user and trace from the request context', () => {
    const metadata = buildEventMetadata({
      eventId: 'e1',
      schemaVersion: 2,
      occurredAt,
      fallbackCorrelationId: 'unused',
      context: { correlationId: 'req-1', causationId: 'req-1', userId: 'u1', traceparent: '00-abc-def-01' },
    });
    expect(metadata).toEqual({
      eventId: 'e1',
      correlationId: 'req-1',
      causationId: 'req-1',
      userId: 'u1',
      traceparent: '00-abc-def-01',
      schemaVersion: 2,
      occurredAt: '2026-03-01T10:00:00.000Z',
    });
  });

  it('starts a new conversation when there is no context', () => {
    const metadata = buildEventMetadata({
      eventId: 'e1',
      schemaVersion: 1,
      occurredAt,
      fallbackCorrelationId: 'c1',
    });
    expect(metadata).toMatchObject({ correlationId: 'c1', causationId: 'c1' });
    expect(metadata).not.toHaveProperty('userId');
  });

  it('chains a command caused by an event: same correlation, causation = that event', () => {
    const cause: StoredEvent = {
      streamName: 'order-1',
      revision: 0n,
      recordedAt: occurredAt,
      event: { type: 'OrderPlaced', data: {} },
      metadata: {
        eventId: 'ev-9',
        correlationId: 'req-1',
        causationId: 'req-1',
        userId: 'u1',
        schemaVersion: 1,
        occurredAt: occurredAt.toISOString(),
      },
    };
    const context = contextFromEvent(cause);
    expect(context).toEqual({ correlationId: 'req-1', causationId: 'ev-9', userId: 'u1' });
    const next = buildEventMetadata({
      eventId: 'e2',
      schemaVersion: 1,
      occurredAt,
      context,
      fallbackCorrelationId: 'x',
    });
    expect(next).toMatchObject({ correlationId: 'req-1', causationId: 'ev-9', userId: 'u1' });
  });
});
