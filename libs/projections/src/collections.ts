import { type ProjectionDefinition } from '@shop/event-sourcing';
import { type Db, MongoServerError } from 'mongodb';

export type CollectionRole = 'live' | 'rebuild' | 'verify';

/** Physical collection for each logical one: the live view, a shadow being rebuilt, or a verify scratch copy. */
export const physicalCollections = (
  definition: ProjectionDefinition,
  role: CollectionRole,
): Record<string, string> =>
  Object.fromEntries(
    Object.keys(definition.collections).map((logical) => [
      logical,
      role === 'live' ? logical : `${logical}__${role}`,
    ]),
  );

export async function ensureIndexes(
  db: Db,
  definition: ProjectionDefinition,
  role: CollectionRole,
): Promise<void> {
  const physical = physicalCollections(definition, role);
  for (const [logical, spec] of Object.entries(definition.collections)) {
    const name = physical[logical]!;
    // Creating the collection up front makes a later rename well-defined even if no event ever lands in it.
    await db.createCollection(name).catch((error: unknown) => {
      if (!(error instanceof MongoServerError && error.code === 48)) throw error; // 48: NamespaceExists
    });
    if (spec.indexes.length === 0) continue;
    await db.collection(name).createIndexes(
      spec.indexes.map((index) => ({
        key: { ...index.key },
        ...(index.name ? { name: index.name } : {}),
        ...(index.unique ? { unique: true } : {}),
        ...(index.sparse ? { sparse: true } : {}),
        ...(index.partialFilterExpression
          ? { partialFilterExpression: { ...index.partialFilterExpression } }
          : {}),
        ...(index.weights ? { weights: { ...index.weights } } : {}),
        ...(index.default_language ? { default_language: index.default_language } : {}),
      })),
    );
  }
}

export async function dropCollections(
  db: Db,
  definition: ProjectionDefinition,
  role: CollectionRole,
): Promise<void> {
  for (const name of Object.values(physicalCollections(definition, role))) {
    await db
      .collection(name)
      .drop()
      .catch((error: unknown) => {
        if (!(error instanceof MongoServerError && error.code === 26)) throw error; // 26: NamespaceNotFound
      });
  }
}

export async function collectionExists(db: Db, name: string): Promise<boolean> {
  return (await db.listCollections({ name }, { nameOnly: true }).toArray()).length > 0;
}
