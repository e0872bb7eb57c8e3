import { type Command, type CommandMetadata } from '@shop/event-sourcing';

/** `currency` comes from configuration (one shop currency), never from the client. */
export type RegisterProduct = Command<
  'RegisterProduct',
  { productId: string; sku: string; name: string; priceCents: number; currency: string }
>;
export type ChangePrice = Command<'ChangePrice', { productId: string; priceCents: number }>;
export type ReceiveStock = Command<'ReceiveStock', { productId: string; quantity: number }>;
export type ReserveStock = Command<'ReserveStock', { productId: string; orderId: string; quantity: number }>;
export type ReleaseReservation = Command<'ReleaseReservation', { productId: string; orderId: string }>;
export type CommitReservation = Command<'CommitReservation', { productId: string; orderId: string }>;

export type ProductCommand =
  RegisterProduct | ChangePrice | ReceiveStock | ReserveStock | ReleaseReservation | CommitReservation;

export const registerProduct = (
  data: RegisterProduct['data'],
  metadata: CommandMetadata,
): RegisterProduct => ({
  type: 'RegisterProduct',
  data,
  metadata,
});
export const changePrice = (data: ChangePrice['data'], metadata: CommandMetadata): ChangePrice => ({
  type: 'ChangePrice',
  data,
  metadata,
});
export const receiveStock = (data: ReceiveStock['data'], metadata: CommandMetadata): ReceiveStock => ({
  type: 'ReceiveStock',
  data,
  metadata,
});
export const reserveStock = (data: ReserveStock['data'], metadata: CommandMetadata): ReserveStock => ({
  type: 'ReserveStock',
  data,
  metadata,
});
export const releaseReservation = (
  data: ReleaseReservation['data'],
  metadata: CommandMetadata,
): ReleaseReservation => ({ type: 'ReleaseReservation', data, metadata });
export const commitReservation = (
  data: CommitReservation['data'],
  metadata: CommandMetadata,
): CommitReservation => ({ type: 'CommitReservation', data, metadata });
