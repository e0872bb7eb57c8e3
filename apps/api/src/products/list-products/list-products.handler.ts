import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ValidationError } from '@shop/event-sourcing';
import { PRODUCTS_COLLECTION, type ProductView } from '@shop/inventory';
import { MONGO_DB } from '@shop/mongo';
import { type Db, type Filter, type Sort } from 'mongodb';
import { type ProductSort } from './list-products.dto';
import { ListProductsQuery, type ProductPage } from './list-products.query';

/** Each sort is backed by an index ending in _id (see productsProjection), which makes the cursor unique. */
type KeySort = Exclude<ProductSort, 'relevance'>;
const SORTS: Record<KeySort, { field: 'nameLower' | 'priceCents' | 'registeredAt'; direction: 1 | -1 }> = {
  name: { field: 'nameLower', direction: 1 },
  price: { field: 'priceCents', direction: 1 },
  newest: { field: 'registeredAt', direction: -1 },
};

interface Cursor {
  k: string | number;
  id: string;
  /** The sort the cursor was made for: two sorts may share a key type (price and newest are numbers). */
  s: string;
}

@QueryHandler(ListProductsQuery)
export class ListProductsHandler implements IQueryHandler<ListProductsQuery> {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  async execute({ filter, sort, limit, cursor }: ListProductsQuery): Promise<ProductPage> {
    // Built from validated scalars only: no client object ever reaches the query.
    const conditions: Filter<ProductView>[] = [];
    // `$search` is a string: MongoDB parses its words, phrases and negations; it cannot carry operators.
    if (filter.search) conditions.push({ $text: { $search: filter.search } });
    if (sort === 'relevance') {
      if (!filter.search)
        throw new ValidationError('relevance_needs_q', 'sort=relevance ranks text matches: give q as well');
      return this.byRelevance(this.withFilters(conditions, filter), limit, cursor);
    }
    const { field, direction } = SORTS[sort];
    this.withFilters(conditions, filter);
    if (cursor !== undefined) {
      const after = decodeCursor(cursor, field, sort);
      const op = direction === 1 ? '$gt' : '$lt';
      conditions.push({
        $or: [{ [field]: { [op]: after.k } }, { [field]: after.k, _id: { [op]: after.id } }],
      });
    }
    const query: Filter<ProductView> = conditions.length > 0 ? { $and: conditions } : {};
    const order: Sort = { [field]: direction, _id: direction };
    const docs = await this.db
      .collection<ProductView>(PRODUCTS_COLLECTION)
      .find(query)
      .sort(order)
      .limit(limit + 1)
      .toArray();
    const items = docs.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: docs.length > limit && last ? encodeCursor(last, field, sort) : null };
  }

  /**
   * Best text match first (MongoDB's textScore, then _id). Scores are not a stable key to page after, so
   * the cursor holds the offset of the next page.
   */
  private async byRelevance(
    conditions: Filter<ProductView>[],
    limit: number,
    cursor: string | undefined,
  ): Promise<ProductPage> {
    const offset = cursor === undefined ? 0 : decodeOffset(cursor);
    const docs = await this.db
      .collection<ProductView>(PRODUCTS_COLLECTION)
      .find({ $and: conditions })
      .sort({ score: { $meta: 'textScore' }, _id: 1 })
      .skip(offset)
      .limit(limit + 1)
      .toArray();
    const items = docs.slice(0, limit);
    return { items, nextCursor: docs.length > limit ? encodeOffset(offset + limit) : null };
  }

  private withFilters(
    conditions: Filter<ProductView>[],
    filter: ListProductsQuery['filter'],
  ): Filter<ProductView>[] {
    if (filter.namePrefix) {
      const prefix = filter.namePrefix.toLowerCase();
      conditions.push({ nameLower: { $gte: prefix, $lt: `${prefix}\uffff` } });
    }
    if (filter.minPriceCents !== undefined) conditions.push({ priceCents: { $gte: filter.minPriceCents } });
    if (filter.maxPriceCents !== undefined) conditions.push({ priceCents: { $lte: filter.maxPriceCents } });
    return conditions;
  }
}

/** A cursor token's JSON, or undefined when it is not one of ours (checked field by field by the caller). */
function parseToken(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const encodeOffset = (offset: number): string =>
  Buffer.from(JSON.stringify({ o: offset, s: 'relevance' })).toString('base64url');

function decodeOffset(token: string): number {
  const cursor = parseToken(token) as { o?: unknown; s?: unknown } | undefined;
  if (!cursor || cursor.s !== 'relevance' || !Number.isSafeInteger(cursor.o) || (cursor.o as number) < 0)
    throw new ValidationError(
      'invalid_cursor',
      'cursor does not belong to this listing; start again without it',
    );
  return cursor.o as number;
}

const encodeCursor = (view: ProductView, field: keyof typeof FIELD_TYPES, sort: string): string => {
  const value = view[field];
  const cursor: Cursor = { k: value instanceof Date ? value.getTime() : value, id: view._id, s: sort };
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
};

const FIELD_TYPES = { nameLower: 'string', priceCents: 'number', registeredAt: 'date' } as const;

function decodeCursor(
  token: string,
  field: keyof typeof FIELD_TYPES,
  sort: string,
): { k: string | number | Date; id: string } {
  const cursor = parseToken(token) as Partial<Cursor> | undefined;
  const type = FIELD_TYPES[field];
  const keyOk = type === 'string' ? typeof cursor?.k === 'string' : typeof cursor?.k === 'number';
  if (!cursor || !keyOk || typeof cursor.id !== 'string' || cursor.s !== sort) {
    throw new ValidationError(
      'invalid_cursor',
      'cursor does not belong to this listing; start again without it',
    );
  }
  return { k: type === 'date' ? new Date(cursor.k as number) : cursor.k!, id: cursor.id };
}
