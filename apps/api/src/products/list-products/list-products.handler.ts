import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ValidationError } from '@shop/event-sourcing';
import { PRODUCTS_COLLECTION, type ProductView } from '@shop/inventory';
import { MONGO_DB } from '@shop/mongo';
import { type Db, type Filter, type Sort } from 'mongodb';
import { type ProductSort } from './list-products.dto';
import { ListProductsQuery, type ProductPage } from './list-products.query';

/** Each sort is backed by an index ending in _id (see productsProjection), which makes the cursor unique. */
const SORTS: Record<ProductSort, { field: 'nameLower' | 'priceCents' | 'registeredAt'; direction: 1 | -1 }> =
  {
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
    const { field, direction } = SORTS[sort];
    // Built from validated scalars only: no client object ever reaches the query.
    const conditions: Filter<ProductView>[] = [];
    if (filter.namePrefix) {
      const prefix = filter.namePrefix.toLowerCase();
      conditions.push({ nameLower: { $gte: prefix, $lt: `${prefix}\uffff` } });
    }
    if (filter.minPriceCents !== undefined) conditions.push({ priceCents: { $gte: filter.minPriceCents } });
    if (filter.maxPriceCents !== undefined) conditions.push({ priceCents: { $lte: filter.maxPriceCents } });
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const cursor = parsed as Partial<Cursor> | undefined;
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
