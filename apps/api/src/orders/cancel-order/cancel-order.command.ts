import { OrderCommand, type OrderCommandOptions } from '../order-command';

export class CancelOrderCommand extends OrderCommand {
  constructor(
    orderId: string,
    readonly reason: string,
    options: OrderCommandOptions,
  ) {
    super(orderId, options);
  }
}
