import { type StoredEvent } from '@shop/event-sourcing';
import { RecentCommands } from './recent-commands';

const event = (
  revision: bigint,
  eventId: string,
  idempotencyKey?: string,
  requestFingerprint?: string,
): StoredEvent => ({
  streamName: 's-1',
  revision,
  recordedAt: new Date(0),
  event: { type: 'T', data: {} },
  metadata: {
    eventId,
    correlationId: 'c',
    causationId: 'c',
    schemaVersion: 1,
    occurredAt: '1970-01-01T00:00:00.000Z',
    ...(idempotencyKey ? { idempotencyKey } : {}),
    ...(requestFingerprint ? { requestFingerprint } : {}),
  },
});

describe('RecentCommands', () => {
  it('groups the contiguous events of one idempotent command under its key, with its fingerprint', () => {
    const recent = new RecentCommands(10);
    [
      event(0n, 'a0', 'a'),
      event(1n, 'a1', 'a'),
      event(2n, 'x'),
      event(3n, 'b0', 'b', 'fp-b'),
      event(4n, 'c0', 'c'),
    ].forEach((e) => recent.track(e));
    expect(recent.find('a')).toEqual({ first: 0n, last: 1n });
    expect(recent.find('b')).toEqual({ first: 3n, last: 3n, fingerprint: 'fp-b' });
    expect(recent.find('c')).toEqual({ first: 4n, last: 4n });
    expect(recent.find('a0')).toBeUndefined();
  });

  it('keeps only the newest commands and survives a JSON round trip (snapshots)', () => {
    const recent = new RecentCommands(2);
    ['a', 'b', 'c'].forEach((key, i) => recent.track(event(BigInt(i), `${key}0`, key, `fp-${key}`)));
    expect(recent.find('a')).toBeUndefined();
    const restored = RecentCommands.fromJSON(JSON.parse(JSON.stringify(recent.toJSON())), 2);
    expect(restored?.find('c')).toEqual({ first: 2n, last: 2n, fingerprint: 'fp-c' });
    expect(RecentCommands.fromJSON({ v: 2, commands: [['x', 1]] }, 2)).toBeUndefined();
    expect(RecentCommands.fromJSON('nope', 2)).toBeUndefined();
  });

  it('refuses the array form of older snapshots, so their aggregate is replayed from its events', () => {
    expect(RecentCommands.fromJSON([['event-id', '0', '0']], 2)).toBeUndefined();
  });
});
