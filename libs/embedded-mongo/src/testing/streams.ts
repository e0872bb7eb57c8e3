import type {
  ChangeStream,
  ChangeStreamDocument,
  ChangeStreamOptions,
  Collection,
  Db,
  Document,
  MongoClient,
} from 'mongodb';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any document schema
export type Watchable = Collection<any> | Db | MongoClient;
export type Event = ChangeStreamDocument & Document;

/** Opens a stream and waits until the server has it (the driver starts streams lazily). */
export const open = async (
  target: Watchable,
  pipeline: Document[] = [],
  options: ChangeStreamOptions = {},
): Promise<ChangeStream> => {
  const cs: ChangeStream = target.watch(pipeline, { maxAwaitTimeMS: 50, ...options });
  const first = await cs.tryNext();
  if (first) prefetched.set(cs, first);
  return cs;
};

/** An event `open` already read while starting the stream, handed out first by `next`. */
const prefetched = new WeakMap<ChangeStream, Event>();

export const next = async (cs: ChangeStream): Promise<Event> => {
  const first = prefetched.get(cs);
  if (!first) return await cs.next();
  prefetched.delete(cs);
  return first;
};

export const take = async (cs: ChangeStream, n: number): Promise<Event[]> => {
  const out: Event[] = [];
  while (out.length < n) out.push(await next(cs));
  return out;
};
