import { type ActionCommand } from '@shop/checkout';
import { type MessageContext } from '@shop/event-sourcing';
import { type AggregateStore, type CommandStep, commandStep } from '@shop/eventstore';
import { productDecider } from '@shop/inventory';
import { orderDecider } from '@shop/ordering';
import { paymentDecider } from '@shop/payments';

/** An action's command as a step for its aggregate, with the decider of its bounded context. */
export function actionStep(target: ActionCommand, context: MessageContext): CommandStep {
  const options = { context };
  switch (target.context) {
    case 'inventory':
      return commandStep(productDecider, target.streamName, target.command, options);
    case 'payments':
      // The payment request starts the order's payment stream; a replay after a crash finds it, takes the
      // normal path and is recognised by its idempotency key.
      return commandStep(paymentDecider, target.streamName, target.command, {
        ...options,
        expectNew: target.command.type === 'RequestPayment',
      });
    case 'ordering':
      return commandStep(orderDecider, target.streamName, target.command, options);
  }
}

/** Sends an action's command to its aggregate. Its idempotency key makes a repeat return the first result. */
export async function runAction(
  store: AggregateStore,
  target: ActionCommand,
  context: MessageContext,
): Promise<void> {
  const { decider, streamName, command, options } = actionStep(target, context);
  await store.handle(decider, streamName, command, options);
}
