import { type AppendResult, type EventStoreDBClient } from '@eventstore/db-client';

export interface AppendHooks {
  /** Runs before the real append, e.g. to let a competing writer win the race. */
  before?(streamName: string, call: number): Promise<void>;
  /** Runs after the real append succeeded, e.g. to lose its response. */
  after?(streamName: string, call: number, result: AppendResult): Promise<void>;
}

/** A client whose appends to non-snapshot streams run through hooks; everything else is the real client. */
export const interceptAppends = (client: EventStoreDBClient, hooks: AppendHooks): EventStoreDBClient => {
  let calls = 0;
  const appendToStream: EventStoreDBClient['appendToStream'] = async (streamName, events, options) => {
    if (streamName.startsWith('snapshot_')) return client.appendToStream(streamName, events, options);
    const call = ++calls;
    await hooks.before?.(streamName, call);
    const result = await client.appendToStream(streamName, events, options);
    await hooks.after?.(streamName, call, result);
    return result;
  };
  return new Proxy(client, {
    get: (target, property, receiver) => {
      if (property === 'appendToStream') return appendToStream;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
};
