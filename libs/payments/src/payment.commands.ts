import { type Command, type CommandMetadata } from '@shop/event-sourcing';

export type RequestPayment = Command<
  'RequestPayment',
  { orderId: string; amountCents: number; currency: string }
>;
export type RecordAuthorization = Command<'RecordAuthorization', { orderId: string; providerRef: string }>;
/** A capture implies the authorization: from `requested` it records both facts. */
export type RecordCapture = Command<'RecordCapture', { orderId: string; providerRef: string }>;
/** `outcomeUnknown`: the provider may have charged although no answer came back (see PaymentFailed). */
export type RecordFailure = Command<
  'RecordFailure',
  { orderId: string; reason: string; outcomeUnknown?: boolean }
>;
/** What the provider says it did under a failed payment's charge key: the charge's reference, or null. */
export type RecordReconciliation = Command<
  'RecordReconciliation',
  { orderId: string; providerRef: string | null }
>;
/**
 * The provider reports (asynchronously, e.g. a settlement notice) that the charge under our charge key
 * settled: the money was taken, under `providerRef`, for `amountCents`. Whatever the payment's state, that
 * fact wins: an in-flight payment is captured, a failed one is reconciled and refunded.
 */
export type RecordSettlement = Command<
  'RecordSettlement',
  { orderId: string; providerRef: string; amountCents: number }
>;
/** Asks for the money back; the provider call follows (see `nextProviderCall`) and ends in RecordRefund. */
export type Refund = Command<'Refund', { orderId: string; reason: string }>;
export type RecordRefund = Command<'RecordRefund', { orderId: string; providerRefundRef: string }>;

export type PaymentCommand =
  | RequestPayment
  | RecordAuthorization
  | RecordCapture
  | RecordFailure
  | RecordReconciliation
  | RecordSettlement
  | Refund
  | RecordRefund;

type DataOf<T extends PaymentCommand['type']> = Extract<PaymentCommand, { type: T }>['data'];

export const requestPayment = (
  data: DataOf<'RequestPayment'>,
  metadata: CommandMetadata,
): RequestPayment => ({
  type: 'RequestPayment',
  data,
  metadata,
});
export const recordAuthorization = (
  data: DataOf<'RecordAuthorization'>,
  metadata: CommandMetadata,
): RecordAuthorization => ({ type: 'RecordAuthorization', data, metadata });
export const recordCapture = (data: DataOf<'RecordCapture'>, metadata: CommandMetadata): RecordCapture => ({
  type: 'RecordCapture',
  data,
  metadata,
});
export const recordFailure = (data: DataOf<'RecordFailure'>, metadata: CommandMetadata): RecordFailure => ({
  type: 'RecordFailure',
  data,
  metadata,
});
export const recordReconciliation = (
  data: DataOf<'RecordReconciliation'>,
  metadata: CommandMetadata,
): RecordReconciliation => ({ type: 'RecordReconciliation', data, metadata });
export const recordSettlement = (
  data: DataOf<'RecordSettlement'>,
  metadata: CommandMetadata,
): RecordSettlement => ({ type: 'RecordSettlement', data, metadata });
export const refund = (data: DataOf<'Refund'>, metadata: CommandMetadata): Refund => ({
  type: 'Refund',
  data,
  metadata,
});
export const recordRefund = (data: DataOf<'RecordRefund'>, metadata: CommandMetadata): RecordRefund => ({
  type: 'RecordRefund',
  data,
  metadata,
});
