import { type ProductEvent } from './product.events';
import { noSettledReservations, rememberSettled, type SettledReservations } from './settled-reservations';

export interface RegisteredProduct {
  readonly status: 'registered';
  readonly productId: string;
  readonly sku: string;
  readonly name: string;
  readonly priceCents: number;
  readonly currency: string;
  readonly onHand: number;
  /** Open reservations: quantity by order id. */
  readonly reservations: Readonly<Record<string, number>>;
  /**
   * The most recently released or committed reservations, so a late duplicate command for the same order is
   * recognised (a commit twice is a no-op, a reserve after the order was settled is refused). Bounded: the
   * state does not grow with the product's order history.
   */
  readonly settled: SettledReservations;
}

/** Plain JSON (records, no Map), so the kernel can snapshot it without a serializer. */
export type ProductState = { readonly status: 'unregistered' } | RegisteredProduct;

export const initialProductState = (): ProductState => ({ status: 'unregistered' });

export const reservedQuantity = (state: RegisteredProduct): number =>
  Object.values(state.reservations).reduce((sum, quantity) => sum + quantity, 0);

/** The invariant the decider protects: never negative. */
export const availableQuantity = (state: RegisteredProduct): number => state.onHand - reservedQuantity(state);

const without = <V>(record: Readonly<Record<string, V>>, key: string): Record<string, V> => {
  const { [key]: _removed, ...rest } = record;
  return rest;
};

export const evolveProduct = (state: ProductState, event: ProductEvent): ProductState => {
  if (event.type === 'ProductRegistered') {
    return {
      status: 'registered',
      ...event.data,
      onHand: 0,
      reservations: {},
      settled: noSettledReservations(),
    };
  }
  // Events for an unregistered product cannot exist in a valid stream; ignoring them keeps evolve total.
  if (state.status !== 'registered') return state;
  switch (event.type) {
    case 'ProductPriceChanged':
      return { ...state, priceCents: event.data.priceCents };
    case 'StockReceived':
      return { ...state, onHand: state.onHand + event.data.quantity };
    case 'StockReserved':
      return {
        ...state,
        reservations: { ...state.reservations, [event.data.orderId]: event.data.quantity },
      };
    case 'StockReservationReleased':
      return {
        ...state,
        reservations: without(state.reservations, event.data.orderId),
        settled: rememberSettled(state.settled, event.data.orderId, 'released'),
      };
    case 'StockReservationCommitted':
      return {
        ...state,
        onHand: state.onHand - event.data.quantity,
        reservations: without(state.reservations, event.data.orderId),
        settled: rememberSettled(state.settled, event.data.orderId, 'committed'),
      };
  }
};
