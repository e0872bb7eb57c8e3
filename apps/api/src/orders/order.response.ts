import { ApiProperty } from '@nestjs/swagger';
import { type OrderView } from '@shop/ordering';

class OrderLineResponse {
  @ApiProperty({ format: 'uuid' }) productId!: string;
  @ApiProperty() quantity!: number;
  @ApiProperty() unitPriceCents!: number;
}

class StatusChangeResponse {
  @ApiProperty({ enum: ['placed', 'confirmed', 'shipped', 'cancelled'] }) status!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ required: false }) reason?: string;
}

class PaymentResponse {
  @ApiProperty({
    enum: ['not_requested', 'requested', 'authorized', 'captured', 'failed', 'refund_requested', 'refunded'],
  })
  status!: string;
  @ApiProperty({ required: false }) failureReason?: string;
  @ApiProperty({
    required: false,
    enum: ['pending', 'no_charge', 'charged'],
    description:
      'Only when the payment failed without an answer from the provider: pending until the provider was asked ' +
      'what it did; charged means the money is being refunded (see status).',
  })
  reconciliation?: string;
}

export class OrderResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ enum: ['placed', 'confirmed', 'shipped', 'cancelled'] }) status!: string;
  @ApiProperty({ type: [OrderLineResponse] }) lines!: OrderLineResponse[];
  @ApiProperty() totalCents!: number;
  @ApiProperty() currency!: string;
  @ApiProperty({ type: PaymentResponse }) payment!: PaymentResponse;
  @ApiProperty({ type: [StatusChangeResponse] }) history!: StatusChangeResponse[];
  @ApiProperty() placedAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty() revision!: string;
}

export const toOrderResponse = (view: OrderView): OrderResponse => ({
  id: view._id,
  customerId: view.customerId,
  status: view.status,
  lines: view.lines.map((l) => ({
    productId: l.productId,
    quantity: l.quantity,
    unitPriceCents: l.unitPriceCents,
  })),
  totalCents: view.totalCents,
  currency: view.currency,
  payment: { ...view.payment },
  history: view.history.map((h) => ({
    status: h.status,
    at: new Date(h.at).toISOString(),
    ...(h.reason ? { reason: h.reason } : {}),
  })),
  placedAt: view.placedAt.toISOString(),
  updatedAt: view.updatedAt.toISOString(),
  revision: String(view.revision),
});
