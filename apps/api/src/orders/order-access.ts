import { NotFoundError } from '@shop/event-sourcing';
import { type AggregateStore } from '@shop/eventstore';
import { orderDecider, orderStreamName } from '@shop/ordering';

/** A customer acting on an order must own it; staff roles may act on any order. */
export async function assertOrderAccess(
  store: AggregateStore,
  orderId: string,
  onlyForCustomer: string | undefined,
): Promise<void> {
  if (onlyForCustomer === undefined) return;
  const { state } = await store.load(orderDecider, orderStreamName(orderId));
  // Another customer's order answers exactly like a missing one: a 403 would confirm that the id exists.
  if (state.status === 'none' || state.customerId !== onlyForCustomer)
    throw new NotFoundError('order_not_found', `Order ${orderId} does not exist`, { orderId });
}
