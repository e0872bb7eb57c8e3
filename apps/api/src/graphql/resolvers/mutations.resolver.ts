import { ForbiddenException, ParseUUIDPipe, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Field, ID, InputType, Int, Mutation, Resolver } from '@nestjs/graphql';
import { type AuthUser, Roles } from '@shop/auth';
import { ValidationError } from '@shop/event-sourcing';
import { messageContextOf, SkipRateLimits } from '@shop/http';
import { productIdForSku } from '@shop/inventory';
import { Type } from 'class-transformer';
import { CancelOrderCommand } from '../../orders/cancel-order/cancel-order.command';
import { CancelOrderRequest } from '../../orders/cancel-order/cancel-order.dto';
import { PlaceOrderCommand } from '../../orders/place-order/place-order.command';
import { OrderLineRequest, PlaceOrderRequest } from '../../orders/place-order/place-order.dto';
import { ReceiveStockCommand } from '../../products/receive-stock/receive-stock.command';
import { ReceiveStockRequest } from '../../products/receive-stock/receive-stock.dto';
import { RegisterProductCommand } from '../../products/register-product/register-product.command';
import { RegisterProductRequest } from '../../products/register-product/register-product.dto';
import { RequestSalesReportCommand } from '../../reports/request-sales-report.command';
import { RequestSalesReportRequest } from '../../reports/request-sales-report.dto';
import { creationId } from '../../http/command-headers';
import { expectedRevisionOf, mutationIdempotency } from '../command-args';
import { GqlContext, GqlUser, GraphqlAuthGuard } from '../graphql-auth.guard';
import { type GraphqlContext } from '../graphql-context';
import { CommandResult, toCommandResult } from '../types/command-result.type';

// The inputs are REST's request DTOs with GraphQL fields: the same class-validator rules, one definition.
@InputType()
export class RegisterProductInput extends RegisterProductRequest {
  @Field() declare sku: string;
  @Field() declare name: string;
  @Field(() => Int) declare priceCents: number;
}

@InputType()
export class ReceiveStockInput extends ReceiveStockRequest {
  @Field(() => Int) declare quantity: number;
}

@InputType()
export class OrderLineInput extends OrderLineRequest {
  @Field(() => ID) declare productId: string;
  @Field(() => Int) declare quantity: number;
}

@InputType()
export class PlaceOrderInput extends PlaceOrderRequest {
  @Field(() => [OrderLineInput])
  @Type(() => OrderLineInput)
  declare lines: OrderLineInput[];

  @Field(() => String, { nullable: true }) declare customerId?: string;
}

@InputType()
export class CancelOrderInput extends CancelOrderRequest {
  @Field() declare reason: string;
}

@InputType()
export class RequestReportInput extends RequestSalesReportRequest {
  @Field({ description: 'First day (UTC), included: YYYY-MM-DD' }) declare from: string;
  @Field({ description: 'Day after the last one (UTC), excluded: YYYY-MM-DD' }) declare to: string;
}

const KEY = {
  name: 'idempotencyKey',
  type: () => String,
  nullable: true,
  description: 'A retry with the same key and input returns the original result and changes nothing',
} as const;
const REVISION = {
  name: 'expectedRevision',
  type: () => String,
  nullable: true,
  description: 'Apply only at this revision (CONCURRENCY_CONFLICT otherwise): REST If-Match',
} as const;

const isStaff = (user: AuthUser): boolean => user.roles.some((role) => role === 'clerk' || role === 'admin');

/** The commands of REST's controllers through the same CommandBus: one handler per use case. */
@Resolver()
@UseGuards(GraphqlAuthGuard)
@SkipRateLimits()
export class MutationsResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => CommandResult, { description: 'Register a product (one per SKU)' })
  @Roles('clerk', 'admin')
  async registerProduct(
    @Args('input') input: RegisterProductInput,
    @Args(KEY) key: string | undefined,
    @GqlUser() user: AuthUser,
    @GqlContext() ctx: GraphqlContext,
  ): Promise<CommandResult> {
    const idempotency = mutationIdempotency(key, user, 'registerProduct', input);
    const productId = productIdForSku(input.sku);
    const outcome = await this.commands.execute(
      new RegisterProductCommand(
        productId,
        input.sku,
        input.name,
        input.priceCents,
        messageContextOf(ctx.req),
        idempotency,
      ),
    );
    return toCommandResult(outcome);
  }

  @Mutation(() => CommandResult, { description: 'Receive stock for a product' })
  @Roles('clerk', 'admin')
  async receiveStock(
    @Args('productId', { type: () => ID }, new ParseUUIDPipe()) productId: string,
    @Args('input') input: ReceiveStockInput,
    @Args(REVISION) expectedRevision: string | undefined,
    @Args(KEY) key: string | undefined,
    @GqlUser() user: AuthUser,
    @GqlContext() ctx: GraphqlContext,
  ): Promise<CommandResult> {
    const idempotency = mutationIdempotency(key, user, 'receiveStock', { productId, input });
    const outcome = await this.commands.execute(
      new ReceiveStockCommand(
        productId,
        input.quantity,
        messageContextOf(ctx.req),
        idempotency,
        expectedRevisionOf(expectedRevision),
      ),
    );
    return toCommandResult(outcome);
  }

  @Mutation(() => CommandResult, { description: 'Place an order (checkout then runs asynchronously)' })
  @Roles('customer', 'clerk', 'admin')
  async placeOrder(
    @Args('input') input: PlaceOrderInput,
    @Args(KEY) key: string | undefined,
    @GqlUser() user: AuthUser,
    @GqlContext() ctx: GraphqlContext,
  ): Promise<CommandResult> {
    const ordersForOthers = isStaff(user);
    if (!ordersForOthers && input.customerId != null && input.customerId !== user.sub)
      throw new ForbiddenException('Customers place orders only for themselves');
    const self = user.roles.includes('customer') ? user.sub : undefined;
    const customerId = ordersForOthers ? (input.customerId ?? self) : user.sub;
    if (!customerId) {
      throw new ValidationError(
        'customer_required',
        'customerId is required when ordering on behalf of a customer',
      );
    }
    const idempotency = mutationIdempotency(key, user, 'placeOrder', input);
    const orderId = creationId('order', user.sub, idempotency?.clientKey);
    const lines = input.lines.map(({ productId, quantity }) => ({ productId, quantity }));
    const outcome = await this.commands.execute(
      new PlaceOrderCommand(orderId, customerId, lines, messageContextOf(ctx.req), idempotency),
    );
    return toCommandResult(outcome);
  }

  @Mutation(() => CommandResult, { description: 'Cancel an order' })
  @Roles('customer', 'clerk', 'admin')
  async cancelOrder(
    @Args('orderId', { type: () => ID }, new ParseUUIDPipe()) orderId: string,
    @Args('input') input: CancelOrderInput,
    @Args(REVISION) expectedRevision: string | undefined,
    @Args(KEY) key: string | undefined,
    @GqlUser() user: AuthUser,
    @GqlContext() ctx: GraphqlContext,
  ): Promise<CommandResult> {
    const outcome = await this.commands.execute(
      new CancelOrderCommand(orderId, input.reason, {
        context: messageContextOf(ctx.req),
        idempotency: mutationIdempotency(key, user, 'cancelOrder', { orderId, input }),
        expectedRevision: expectedRevisionOf(expectedRevision),
        onlyForCustomer: isStaff(user) ? undefined : user.sub,
      }),
    );
    return toCommandResult(outcome);
  }

  @Mutation(() => CommandResult, { description: 'Request a sales report (built in the background)' })
  @Roles('clerk', 'admin', 'auditor')
  async requestReport(
    @Args('input') input: RequestReportInput,
    @Args(KEY) key: string | undefined,
    @GqlUser() user: AuthUser,
    @GqlContext() ctx: GraphqlContext,
  ): Promise<CommandResult> {
    const context = messageContextOf(ctx.req);
    const idempotency = mutationIdempotency(key, user, 'requestReport', input);
    const reportId = creationId('report', context.userId, idempotency?.clientKey);
    const outcome = await this.commands.execute(
      new RequestSalesReportCommand(reportId, input.from, input.to, context, idempotency),
    );
    return toCommandResult(outcome);
  }
}
