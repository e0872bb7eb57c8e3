import { v5 as uuidv5 } from 'uuid';
import { creationId } from './command-headers';

describe('creationId', () => {
  it('keeps the ids of existing streams: subjects and keys without colons derive what they always did', () => {
    // What every earlier version derived: uuidv5 of "kind:user:key" in the API's namespace.
    const earlier = uuidv5('order:alice:key-1', '6c1a0e38-52f4-4f51-9d2b-7e3f0c9d1a47');
    expect(creationId('order', 'alice', 'key-1')).toBe(earlier);
  });

  it('never lets two callers collide through a colon in the subject or the key', () => {
    expect(creationId('order', 'tenant', 'alice:key-1')).not.toBe(
      creationId('order', 'tenant:alice', 'key-1'),
    );
    expect(creationId('order', 'tenant:alice', 'key-1')).not.toBe(
      creationId('order', 'tenant', 'alice:key-1'),
    );
    expect(creationId('order', 'a:b', 'c')).not.toBe(creationId('order', 'a', 'b:c'));
  });

  it('separates kinds and callers', () => {
    expect(creationId('order', 'alice', 'k-12345678')).not.toBe(creationId('report', 'alice', 'k-12345678'));
    expect(creationId('order', 'alice', 'k-12345678')).not.toBe(creationId('order', 'bob', 'k-12345678'));
  });
});
