import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ValidationError } from '@shop/event-sourcing';
import { MONGO_DB } from '@shop/mongo';
import { ORDERS_COLLECTION, type OrderView } from '@shop/ordering';
import { type Db, type Filter } from 'mongodb';
import { ListCustomerOrdersQuery, type OrderPage } from './list-customer-orders.query';

/** Newest first, on the (customerId, placedAt desc, _id desc) index; the cursor is the last (placedAt, _id). */
@QueryHandler(ListCustomerOrdersQuery)
export class ListCustomerOrdersHandler implements IQueryHandler<ListCustomerOrdersQuery> {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  async execute({ customerId, limit, cursor }: ListCustomerOrdersQuery): Promise<OrderPage> {
    const filter: Filter<OrderView> = { customerId };
    if (cursor !== undefined) {
      const after = decode(cursor);
      filter.$or = [{ placedAt: { $lt: after.at } }, { placedAt: after.at, _id: { $lt: after.id } }];
    }
    const docs = await this.db
      .collection<OrderView>(ORDERS_COLLECTION)
      .find(filter)
      .sort({ placedAt: -1, _id: -1 })
      .limit(limit + 1)
      .toArray();
    const items = docs.slice(0, limit);
    const last = items[items.length - 1];
    const nextCursor =
      docs.length > limit && last
        ? Buffer.from(JSON.stringify({ at: last.placedAt.getTime(), id: last._id })).toString('base64url')
        : null;
    return { items, nextCursor };
  }
}

function decode(token: string): { at: Date; id: string } {
  try {
    const { at, id } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      at?: unknown;
      id?: unknown;
    };
    if (typeof at === 'number' && typeof id === 'string') return { at: new Date(at), id };
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError(
    'invalid_cursor',
    'cursor does not belong to this listing; start again without it',
  );
}
