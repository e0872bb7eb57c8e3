import { UseFilters, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import { type AuthUser, Roles } from '@shop/auth';
import { AppConfig } from '@shop/config';
import { NotFoundError, ValidationError } from '@shop/event-sourcing';
import { SkipRateLimits } from '@shop/http';
import { type LiveMessage, type LiveSubscription, type LiveTopic, LiveTopics } from '@shop/live';
import { canSeeCustomer } from '../../orders/get-order/get-order.controller';
import { GetOrderQuery } from '../../orders/get-order/get-order.query';
import { GqlContext, GqlUser, GraphqlAuthGuard } from '../graphql-auth.guard';
import { type GraphqlContext } from '../graphql-context';
import { SubscriptionErrorFilter } from '../graphql-errors';
import { bindSocket, holdSubscription, type SubscriptionContext } from '../graphql-subscriptions';
import {
  LiveChangeType,
  ProjectionStatusUpdateType,
  toLiveChange,
  toProjectionStatus,
} from '../types/live.type';
import { HttpException, HttpStatus, ParseUUIDPipe } from '@nestjs/common';

type Context = GraphqlContext & SubscriptionContext;

const isStaff = (user: AuthUser): boolean => user.roles.some((role) => role !== 'customer');

/**
 * The subscription's updates as `{ [field]: value }` payloads (GraphQL resolves the field from them). A
 * hand-written iterator, not an async generator: a generator's `return()` (mercurius' answer to a client's
 * `complete`) waits behind the `next()` parked on a quiet topic, so the bus subscription would stay open until
 * another update came. Here `return()` closes it at once, which ends the pending `next()` with done.
 */
export function payloads(
  subscription: LiveSubscription,
  field: string,
  map: (message: LiveMessage) => object | undefined,
  onEnd: () => void = () => undefined,
): AsyncIterableIterator<Record<string, object>> {
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    subscription.close();
    onEnd();
  };
  const done = (): IteratorResult<Record<string, object>> => ({ value: undefined, done: true });
  return {
    async next() {
      for (;;) {
        if (ended) return done();
        const result = await subscription.next();
        if (result.done) {
          end();
          return done();
        }
        const value = map(result.value);
        if (value !== undefined) return { value: { [field]: value }, done: false };
      }
    },
    return() {
      end();
      return Promise.resolve(done());
    },
    throw(error: unknown) {
      end();
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

const change = (m: LiveMessage) => (m.type === 'change' ? toLiveChange(m) : undefined);
const status = (m: LiveMessage) => (m.type === 'projectionStatus' ? toProjectionStatus(m) : undefined);

/**
 * Live updates over WebSocket (graphql-ws), from libs/live's change bus: each is sent after the read model
 * holds it and carries its position. Ownership is checked when subscribing and again per delivered update
 * (a customer's subscription carries their id: the bus delivers only what they own).
 */
@Resolver()
@UseGuards(GraphqlAuthGuard)
@UseFilters(SubscriptionErrorFilter)
@SkipRateLimits()
export class SubscriptionsResolver {
  constructor(
    private readonly queries: QueryBus,
    private readonly config: AppConfig,
  ) {}

  private open(ctx: Context, topic: LiveTopic, user: AuthUser, field: string, owned: boolean) {
    if (ctx.tooMany) throw new HttpException(ctx.tooMany.message, HttpStatus.TOO_MANY_REQUESTS);
    if (!ctx.live)
      throw new ValidationError('websocket_required', 'subscriptions need a WebSocket connection');
    bindSocket(ctx);
    // One more than GRAPHQL_MAX_SUBSCRIPTIONS_PER_CONNECTION on this socket is refused; ending one frees it.
    const release = holdSubscription(ctx, this.config.graphql.maxSubscriptionsPerConnection);
    const subscription = ctx.live.subscribe(topic, owned && !isStaff(user) ? { ownerId: user.sub } : {});
    return payloads(subscription, field, field === 'projectionStatus' ? status : change, release);
  }

  @Subscription(() => LiveChangeType, { description: "An order's changes (customers: their own orders)" })
  @Roles('customer', 'clerk', 'admin', 'auditor')
  async orderUpdated(
    @Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string,
    @GqlUser() user: AuthUser,
    @GqlContext() ctx: Context,
  ) {
    if (!isStaff(user)) {
      const view = await this.queries.execute(new GetOrderQuery(id));
      // Another customer's order is refused exactly like a missing one.
      if (!view || !canSeeCustomer(user, view.customerId))
        throw new NotFoundError('order_not_found', `Order ${id} does not exist`, { orderId: id });
    }
    return this.open(ctx, LiveTopics.orderUpdated(id), user, 'orderUpdated', true);
  }

  @Subscription(() => LiveChangeType, { description: "Changes of any of the caller's own orders" })
  myOrdersUpdated(@GqlUser() user: AuthUser, @GqlContext() ctx: Context) {
    return this.open(ctx, LiveTopics.myOrdersUpdated(user.sub), user, 'myOrdersUpdated', true);
  }

  @Subscription(() => LiveChangeType, { description: 'A report finished (ready or failed)' })
  @Roles('clerk', 'admin', 'auditor')
  reportReady(
    @Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string,
    @GqlUser() user: AuthUser,
    @GqlContext() ctx: Context,
  ) {
    return this.open(ctx, LiveTopics.reportReady(id), user, 'reportReady', false);
  }

  @Subscription(() => LiveChangeType, { description: "A product's stock levels moved" })
  stockChanged(
    @Args('productId', { type: () => ID }, new ParseUUIDPipe()) productId: string,
    @GqlUser() user: AuthUser,
    @GqlContext() ctx: Context,
  ) {
    return this.open(ctx, LiveTopics.stockChanged(productId), user, 'stockChanged', false);
  }

  @Subscription(() => ProjectionStatusUpdateType, { description: 'Projection status changes (operators)' })
  @Roles('admin', 'auditor')
  projectionStatus(@GqlUser() user: AuthUser, @GqlContext() ctx: Context) {
    return this.open(ctx, LiveTopics.projectionStatus(), user, 'projectionStatus', false);
  }
}
