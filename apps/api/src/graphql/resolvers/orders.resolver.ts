import { ForbiddenException, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Args, ArgsType, Field, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type AuthUser, isSubject, SUBJECT_MAX_LENGTH, SUBJECT_RULE } from '@shop/auth';
import { IsString, MaxLength } from 'class-validator';
import { NotFoundError, ValidationError } from '@shop/event-sourcing';
import { SkipRateLimits } from '@shop/http';
import { ordersProjection } from '@shop/ordering';
import { ReadConsistency } from '../../http/read-consistency';
import { canSeeCustomer } from '../../orders/get-order/get-order.controller';
import { GetOrderQuery } from '../../orders/get-order/get-order.query';
import { ListCustomerOrdersQuery } from '../../orders/list-customer-orders/list-customer-orders.query';
import { GqlContext, GqlUser, GraphqlAuthGuard } from '../graphql-auth.guard';
import { type GraphqlContext } from '../graphql-context';
import { OrderConnection, OrderLineType, OrderType, toOrder } from '../types/order.type';
import { EventType } from '../types/operator.type';
import { pageInfo } from '../types/page-info.type';
import { ProductType } from '../types/product.type';
import { ByIdArgs, PageArgs } from './read-args';

@ArgsType()
export class OrdersArgs extends PageArgs {
  @Field(() => ID, {
    description: "The customer's token subject (staff and auditors; a customer: their own)",
  })
  @IsString()
  @MaxLength(SUBJECT_MAX_LENGTH)
  customerId!: string;
}

/** Orders: the same queries and ownership rules as GET /v1/orders/{id} and /v1/customers/{id}/orders. */
@Resolver(() => OrderType)
@UseGuards(GraphqlAuthGuard)
@SkipRateLimits()
export class OrdersResolver {
  constructor(
    private readonly queries: QueryBus,
    private readonly consistency: ReadConsistency,
  ) {}

  @Query(() => OrderType, { nullable: true, description: 'An order; customers see only their own' })
  async order(@Args() { id, position }: ByIdArgs, @GqlUser() user: AuthUser): Promise<OrderType> {
    await this.consistency.atLeast(ordersProjection.name, position);
    const view = await this.queries.execute(new GetOrderQuery(id));
    // Another customer's order answers exactly like a missing one, as in REST.
    if (!view || !canSeeCustomer(user, view.customerId))
      throw new NotFoundError('order_not_found', `Order ${id} does not exist`, { orderId: id });
    return toOrder(view);
  }

  @Query(() => OrderConnection, { description: "A customer's orders, newest first" })
  async orders(@Args() args: OrdersArgs, @GqlUser() user: AuthUser): Promise<OrderConnection> {
    if (!isSubject(args.customerId))
      throw new ValidationError('invalid_customer_id', `A customer id is ${SUBJECT_RULE}`);
    if (!canSeeCustomer(user, args.customerId))
      throw new ForbiddenException('Customers see only their own orders');
    return this.page(args.customerId, args);
  }

  @Query(() => OrderConnection, { description: "The caller's own orders, newest first" })
  myOrders(@Args() args: PageArgs, @GqlUser() user: AuthUser): Promise<OrderConnection> {
    return this.page(user.sub, args);
  }

  private async page(customerId: string, args: PageArgs): Promise<OrderConnection> {
    await this.consistency.atLeast(ordersProjection.name, args.position);
    const page = await this.queries.execute(
      new ListCustomerOrdersQuery(customerId, args.first ?? 20, args.after ?? undefined),
    );
    const nodes = page.items.map(toOrder);
    return { nodes, edges: nodes.map((node) => ({ node })), pageInfo: pageInfo(page.nextCursor) };
  }
}

/** order.events: the order's stream, for the audit trail (staff and auditors; each stream read once). */
@Resolver(() => OrderType)
export class OrderEventsResolver {
  @ResolveField(() => [EventType], {
    description: "The order's events, oldest first (at most 100): staff and auditors only",
  })
  events(@Parent() order: OrderType, @GqlContext() context: GraphqlContext): Promise<EventType[]> {
    const user = context.user;
    if (!user || !user.roles.some((role) => role !== 'customer'))
      throw new ForbiddenException("An order's events are for staff and auditors");
    return context.loaders.orderEvents.load(order.id);
  }
}

/** order.lines.product: every line of the response is resolved by one batched read per request. */
@Resolver(() => OrderLineType)
export class OrderLineResolver {
  @ResolveField(() => ProductType, { nullable: true })
  product(@Parent() line: OrderLineType, @GqlContext() context: GraphqlContext): Promise<ProductType | null> {
    return context.loaders.product.load(line.productId);
  }
}
