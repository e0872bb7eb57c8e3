import { type Command, type CommandMetadata } from '@shop/event-sourcing';
import { type CheckoutLine } from './checkout.events';

// One command per observed fact. Recording a fact the checkout already knows (or an older fact that a
// newer one superseded) is an accepted no-op, so the same fact may arrive both from an action's result and
// from the subscription, any number of times.

export type RecordOrderPlaced = Command<
  'RecordOrderPlaced',
  {
    orderId: string;
    customerId: string;
    lines: readonly CheckoutLine[];
    totalCents: number;
    currency: string;
  }
>;
export type RecordStockReserved = Command<
  'RecordStockReserved',
  { orderId: string; productId: string; quantity: number }
>;
export type RecordStockReservationRejected = Command<
  'RecordStockReservationRejected',
  { orderId: string; productId: string; code: string; reason: string }
>;
export type RecordStockReleased = Command<'RecordStockReleased', { orderId: string; productId: string }>;
export type RecordPaymentRequested = Command<
  'RecordPaymentRequested',
  { orderId: string; amountCents: number }
>;
export type RecordPaymentCaptured = Command<
  'RecordPaymentCaptured',
  { orderId: string; providerRef: string }
>;
export type RecordPaymentFailed = Command<'RecordPaymentFailed', { orderId: string; reason: string }>;
export type RecordRefundRequested = Command<'RecordRefundRequested', { orderId: string }>;
export type RecordOrderConfirmed = Command<'RecordOrderConfirmed', { orderId: string }>;
export type RecordOrderCancelled = Command<'RecordOrderCancelled', { orderId: string; reason: string }>;

export type CheckoutCommand =
  | RecordOrderPlaced
  | RecordStockReserved
  | RecordStockReservationRejected
  | RecordStockReleased
  | RecordPaymentRequested
  | RecordPaymentCaptured
  | RecordPaymentFailed
  | RecordRefundRequested
  | RecordOrderConfirmed
  | RecordOrderCancelled;

export type CheckoutCommandType = CheckoutCommand['type'];

/** Builds any checkout command: `checkoutCommand('RecordOrderConfirmed', { orderId }, { now })`. */
export const checkoutCommand = <T extends CheckoutCommandType>(
  type: T,
  data: Extract<CheckoutCommand, { type: T }>['data'],
  metadata: CommandMetadata,
): Extract<CheckoutCommand, { type: T }> =>
  ({ type, data, metadata }) as Extract<CheckoutCommand, { type: T }>;
