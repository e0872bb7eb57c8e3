import { type ActionCommand } from '@shop/checkout';
import { type MessageContext } from '@shop/event-sourcing';
import { type AggregateStore } from '@shop/eventstore';
import { productDecider } from '@shop/inventory';
import { orderDecider } from '@shop/ordering';
import { paymentDecider } from '@shop/payments';

/** Sends an action's command to its aggregate. Its idempotency key makes a repeat return the first result. */
export async function runAction(
  store: AggregateStore,
  target: ActionCommand,
  context: MessageContext,
): Promise<void> {
  const options = { context };
  switch (target.context) {
    case 'inventory':
      await store.handle(productDecider, target.streamName, target.command, options);
      return;
    case 'payments':
      await store.handle(paymentDecider, target.streamName, target.command, options);
      return;
    case 'ordering':
      await store.handle(orderDecider, target.streamName, target.command, options);
      return;
  }
}
