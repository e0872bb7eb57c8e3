import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { type OrderView } from '@shop/ordering';
import { PageInfo } from './page-info.type';
import { ProductType } from './product.type';

export enum OrderStatus {
  placed = 'placed',
  confirmed = 'confirmed',
  shipped = 'shipped',
  cancelled = 'cancelled',
}
registerEnumType(OrderStatus, { name: 'OrderStatus' });

export enum PaymentStatus {
  not_requested = 'not_requested',
  requested = 'requested',
  authorized = 'authorized',
  captured = 'captured',
  failed = 'failed',
  refund_requested = 'refund_requested',
  refunded = 'refunded',
}
registerEnumType(PaymentStatus, { name: 'PaymentStatus' });

export enum PaymentReconciliation {
  pending = 'pending',
  no_charge = 'no_charge',
  charged = 'charged',
}
registerEnumType(PaymentReconciliation, { name: 'PaymentReconciliation' });

@ObjectType('OrderLine')
export class OrderLineType {
  @Field(() => ID) productId!: string;
  @Field(() => Int) quantity!: number;
  @Field(() => Int, { description: 'The catalog price when the order was placed' }) unitPriceCents!: number;
  @Field(() => ProductType, {
    nullable: true,
    description: 'The product as it is now (batched per request: one read for every line asked for)',
  })
  product?: ProductType | null;
}

@ObjectType('Payment')
export class PaymentType {
  @Field(() => PaymentStatus) status!: PaymentStatus;
  @Field(() => String, { nullable: true }) failureReason?: string;
  @Field(() => PaymentReconciliation, {
    nullable: true,
    description:
      'Only when the payment failed without an answer from the provider: pending until the provider was ' +
      'asked what it did; charged means the money is being refunded (see status).',
  })
  reconciliation?: PaymentReconciliation;
}

@ObjectType('StatusChange')
export class StatusChangeType {
  @Field(() => OrderStatus) status!: OrderStatus;
  @Field(() => GraphQLISODateTime) at!: Date;
  @Field(() => String, { nullable: true }) reason?: string;
}

/** An order: the orders read model, as GET /v1/orders/{id} returns it. */
@ObjectType('Order')
export class OrderType {
  @Field(() => ID) id!: string;
  @Field(() => ID) customerId!: string;
  @Field(() => OrderStatus) status!: OrderStatus;
  @Field(() => [OrderLineType]) lines!: OrderLineType[];
  @Field(() => Int) totalCents!: number;
  @Field() currency!: string;
  @Field(() => PaymentType) payment!: PaymentType;
  @Field(() => [StatusChangeType], { description: 'Every status change, oldest first' })
  history!: StatusChangeType[];
  @Field(() => GraphQLISODateTime) placedAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
  @Field({ description: 'Revision of the order stream: send it back as expectedRevision' })
  revision!: string;
}

@ObjectType()
export class OrderEdge {
  @Field(() => OrderType) node!: OrderType;
}

@ObjectType()
export class OrderConnection {
  @Field(() => [OrderEdge]) edges!: OrderEdge[];
  @Field(() => [OrderType]) nodes!: OrderType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

export const toOrder = (view: OrderView): OrderType => ({
  id: view._id,
  customerId: view.customerId,
  status: view.status as OrderStatus,
  lines: view.lines.map((l) => ({
    productId: l.productId,
    quantity: l.quantity,
    unitPriceCents: l.unitPriceCents,
  })),
  totalCents: view.totalCents,
  currency: view.currency,
  payment: {
    status: view.payment.status as PaymentStatus,
    ...(view.payment.failureReason !== undefined ? { failureReason: view.payment.failureReason } : {}),
    ...(view.payment.reconciliation !== undefined
      ? { reconciliation: view.payment.reconciliation as PaymentReconciliation }
      : {}),
  },
  history: view.history.map((h) => ({
    status: h.status as OrderStatus,
    at: new Date(h.at),
    ...(h.reason ? { reason: h.reason } : {}),
  })),
  placedAt: view.placedAt,
  updatedAt: view.updatedAt,
  revision: String(view.revision),
});
