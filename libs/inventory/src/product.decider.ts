import { type Decider } from '@shop/event-sourcing';
import { type ProductCommand } from './product.commands';
import { insufficientStock, productNotFound, ruleViolated } from './product.errors';
import {
  productPriceChanged,
  productRegistered,
  stockReceived,
  stockReservationCommitted,
  stockReservationReleased,
  stockReserved,
  type ProductEvent,
} from './product.events';
import {
  availableQuantity,
  evolveProduct,
  initialProductState,
  type ProductState,
  type RegisteredProduct,
} from './product.state';
import {
  MAX_ON_HAND,
  normalizeName,
  requireCurrency,
  requireOrderId,
  requirePrice,
  requireProductId,
  requireQuantity,
  requireSku,
} from './product.validation';
import { settledOutcome } from './settled-reservations';

const registered = (state: ProductState, productId: string): RegisteredProduct => {
  if (state.status !== 'registered') throw productNotFound(productId);
  return state;
};

/**
 * The product aggregate (stream `product-<uuid>`). Protects `available = onHand - reserved >= 0`: a
 * reservation is the only way stock is promised to an order, so it can never be oversold.
 */
export const productDecider: Decider<ProductState, ProductCommand, ProductEvent> = {
  initialState: initialProductState,
  evolve: evolveProduct,
  // Busy products collect many reservation events; snapshots keep loading them cheap. Version 2: `settled`
  // became bounded; version-1 snapshots are ignored and those streams fold again from their events.
  snapshots: { every: 100, schemaVersion: 2 },
  decide: (command, state) => {
    requireProductId(command.data.productId);
    switch (command.type) {
      case 'RegisterProduct': {
        const { productId, sku, priceCents, currency } = command.data;
        requireSku(sku);
        const name = normalizeName(command.data.name);
        requirePrice(priceCents);
        requireCurrency(currency);
        if (state.status === 'registered') {
          const identical =
            state.sku === sku &&
            state.name === name &&
            state.priceCents === priceCents &&
            state.currency === currency;
          if (identical) return [];
          throw ruleViolated('product_already_registered', `Product ${productId} is already registered`, {
            productId,
            sku: state.sku,
          });
        }
        return [productRegistered({ productId, sku, name, priceCents, currency })];
      }
      case 'ChangePrice': {
        const { productId, priceCents } = command.data;
        requirePrice(priceCents);
        const product = registered(state, productId);
        if (product.priceCents === priceCents) return [];
        return [productPriceChanged({ productId, priceCents, previousPriceCents: product.priceCents })];
      }
      case 'ReceiveStock': {
        // No natural no-op: two deliveries of 5 are 10 units. A retried request is deduplicated by its
        // idempotency key in the command handling, not here.
        const { productId, quantity } = command.data;
        requireQuantity(quantity);
        const product = registered(state, productId);
        if (product.onHand + quantity > MAX_ON_HAND) {
          throw ruleViolated('stock_limit_exceeded', `On hand stock cannot exceed ${MAX_ON_HAND}`, {
            productId,
            onHand: product.onHand,
            quantity,
          });
        }
        return [stockReceived({ productId, quantity })];
      }
      case 'ReserveStock': {
        const { productId, orderId, quantity } = command.data;
        requireOrderId(orderId);
        requireQuantity(quantity);
        const product = registered(state, productId);
        const existing = product.reservations[orderId];
        if (existing === quantity) return [];
        if (existing !== undefined) {
          throw ruleViolated(
            'reservation_conflict',
            `Order ${orderId} already reserved ${existing} unit(s)`,
            {
              productId,
              orderId,
              reserved: existing,
              requested: quantity,
            },
          );
        }
        const outcome = settledOutcome(product.settled, orderId);
        if (outcome !== undefined) {
          throw ruleViolated('reservation_settled', `The reservation of order ${orderId} was ${outcome}`, {
            productId,
            orderId,
            outcome,
          });
        }
        const available = availableQuantity(product);
        if (quantity > available) throw insufficientStock(productId, quantity, available);
        return [stockReserved({ productId, orderId, quantity })];
      }
      case 'ReleaseReservation': {
        const { productId, orderId } = command.data;
        requireOrderId(orderId);
        const product = registered(state, productId);
        const quantity = product.reservations[orderId];
        if (quantity !== undefined) return [stockReservationReleased({ productId, orderId, quantity })];
        if (settledOutcome(product.settled, orderId) === 'committed') {
          throw ruleViolated('reservation_committed', `Order ${orderId} has already shipped this product`, {
            productId,
            orderId,
          });
        }
        // Unknown or already released: compensation may run more than once, or before a reservation was made.
        return [];
      }
      case 'CommitReservation': {
        const { productId, orderId } = command.data;
        requireOrderId(orderId);
        const product = registered(state, productId);
        const quantity = product.reservations[orderId];
        if (quantity !== undefined) return [stockReservationCommitted({ productId, orderId, quantity })];
        const outcome = settledOutcome(product.settled, orderId);
        if (outcome === 'committed') return [];
        if (outcome === 'released') {
          throw ruleViolated('reservation_released', `The reservation of order ${orderId} was released`, {
            productId,
            orderId,
          });
        }
        throw ruleViolated('reservation_not_found', `Order ${orderId} has no reservation of this product`, {
          productId,
          orderId,
        });
      }
    }
  },
};
