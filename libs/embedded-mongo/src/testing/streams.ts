import type {
  ChangeStream,
  ChangeStreamDocument,
  ChangeStreamOptions,
  Collection,
  Db,
  Document,
  MongoClient,
} from 'mongodb';

export type Watchable = Collection | Db | MongoClient;
export type Event = ChangeStreamDocument & Document;

/** Opens a stream and waits until the server has it (the driver starts streams lazily). */
export const open = async (
  target: Watchable,
  pipeline: Document[] = [],
  options: ChangeStreamOptions = {},
): Promise<ChangeStream> => {
  const cs = target.watch(pipeline, { maxAwaitTimeMS: 50, ...options });
  await cs.tryNext();
  return cs;
};

export const next = async (cs: ChangeStream): Promise<Event> => await cs.next();

export const take = async (cs: ChangeStream, n: number): Promise<Event[]> => {
  const out: Event[] = [];
  while (out.length < n) out.push(await next(cs));
  return out;
};

