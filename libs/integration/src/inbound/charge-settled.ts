import { type AggregateStore } from '@shop/eventstore';
import { chargeIdempotencyKey, paymentDecider, paymentStreamName, recordSettlement } from '@shop/payments';
import { PermanentFailure } from './amqp-consumer';
import { inboundContract } from './inbound-contract';
import schema from './schemas/payments.charge.settled.v1.schema.json';

export interface ChargeSettled {
  readonly orderId: string;
  readonly providerRef: string;
  readonly amountCents: number;
  /** The key the shop sent with the charge, when the provider echoes it: it must be this order's charge. */
  readonly idempotencyKey?: string;
  readonly settledAt: string;
}

/**
 * `payments.charge.settled.v1`, the provider's settlement notice: the payment is captured if its charge was
 * still in flight, and reconciled and refunded if it had failed without an answer (see RecordSettlement).
 * The command's idempotency key is the message id: a redelivered notice is the same command.
 */
export const chargeSettled = (store: AggregateStore) =>
  inboundContract<ChargeSettled>('payments.charge.settled.v1', schema, async ({ id, data }) => {
    const { orderId, providerRef, amountCents } = data;
    if (data.idempotencyKey !== undefined && data.idempotencyKey !== chargeIdempotencyKey(orderId)) {
      throw new PermanentFailure(
        `payments.charge.settled.v1: ${data.idempotencyKey} is not the charge key of order ${orderId}`,
      );
    }
    await store.handle(
      paymentDecider,
      paymentStreamName(orderId),
      recordSettlement(
        { orderId, providerRef, amountCents },
        { now: new Date(data.settledAt), idempotencyKey: `inbound:${id}` },
      ),
    );
  });
