import { Module } from '@nestjs/common';
import { ReadConsistency } from '../http/read-consistency';
import { GetProductController } from './get-product/get-product.controller';
import { GetProductHandler } from './get-product/get-product.handler';
import { GetProductsHandler } from './get-products/get-products.handler';
import { ListProductsController } from './list-products/list-products.controller';
import { ListProductsHandler } from './list-products/list-products.handler';
import { ReceiveStockController } from './receive-stock/receive-stock.controller';
import { ReceiveStockHandler } from './receive-stock/receive-stock.handler';
import { RegisterProductController } from './register-product/register-product.controller';
import { RegisterProductHandler } from './register-product/register-product.handler';

/** The catalog and stock levels: inventory commands and the products view. */
@Module({
  controllers: [
    RegisterProductController,
    ReceiveStockController,
    GetProductController,
    ListProductsController,
  ],
  providers: [
    RegisterProductHandler,
    ReceiveStockHandler,
    GetProductHandler,
    GetProductsHandler,
    ListProductsHandler,
    ReadConsistency,
  ],
})
export class ProductsModule {}
