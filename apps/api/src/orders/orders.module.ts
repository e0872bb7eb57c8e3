import { Module } from '@nestjs/common';
import { ReadConsistency } from '../http/read-consistency';
import { CancelOrderHandler } from './cancel-order/cancel-order.handler';
import { GetOrderController } from './get-order/get-order.controller';
import { GetOrderHandler } from './get-order/get-order.handler';
import { ListCustomerOrdersController } from './list-customer-orders/list-customer-orders.controller';
import { ListCustomerOrdersHandler } from './list-customer-orders/list-customer-orders.handler';
import { OrderCommandsController } from './order-commands.controller';
import { OrderEventsController } from './order-events/order-events.controller';
import { OrderHistory } from './order-events/order-history';
import { PlaceOrderController } from './place-order/place-order.controller';
import { PlaceOrderHandler } from './place-order/place-order.handler';
import { ShipOrderHandler } from './ship-order/ship-order.handler';

@Module({
  controllers: [
    PlaceOrderController,
    OrderCommandsController,
    GetOrderController,
    OrderEventsController,
    ListCustomerOrdersController,
  ],
  providers: [
    PlaceOrderHandler,
    CancelOrderHandler,
    ShipOrderHandler,
    GetOrderHandler,
    ListCustomerOrdersHandler,
    ReadConsistency,
    OrderHistory,
  ],
})
export class OrdersModule {}
