import { Controller, Get, Headers, Param, ParseUUIDPipe, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { type AuthUser, CurrentUser } from '@shop/auth';
import { AppConfig } from '@shop/config';
import { type LogPosition, NotFoundError, type StoredEvent, ValidationError } from '@shop/event-sourcing';
import {
  ChangeBus,
  LiveTopics,
  pipeToSse,
  sharedFormat,
  SseStream,
  type ViewChangeMessage,
} from '@shop/live';
import { ordersProjection } from '@shop/ordering';
import { comparePositions, formatPosition, parsePosition } from '@shop/projections';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { ConsistentReadQuery } from '../../http/consistent-read.query';
import { ReadConsistency } from '../../http/read-consistency';
import { canSeeCustomer } from '../get-order/get-order.controller';
import { GetOrderQuery } from '../get-order/get-order.query';
import { connectLive } from '../../http/live-connection';
import { OrderHistory } from './order-history';

/** One formatting per change for every stream following that order. */
const orderEvent = sharedFormat((m) =>
  m.type === 'change' ? { id: m.position, data: fromChange(m.id, m) } : undefined,
);

/** The `data` of an order's event on its stream, replayed or live. */
export interface OrderEventData {
  orderId: string;
  eventType: string;
  position: string;
  streamName: string;
  revision: string;
  recordedAt: string;
}

const fromChange = (orderId: string, m: ViewChangeMessage): OrderEventData => ({
  orderId,
  eventType: m.eventType,
  position: m.position,
  streamName: m.streamName,
  revision: m.revision,
  recordedAt: m.recordedAt,
});

const fromStored = (orderId: string, e: StoredEvent): OrderEventData => ({
  orderId,
  eventType: e.event.type,
  position: formatPosition(e.position ?? null),
  streamName: e.streamName,
  revision: e.revision.toString(),
  recordedAt: e.recordedAt.toISOString(),
});

@ApiTags('orders')
@Controller('orders')
export class OrderEventsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly consistency: ReadConsistency,
    private readonly bus: ChangeBus,
    private readonly history: OrderHistory,
    private readonly config: AppConfig,
  ) {}

  /**
   * The order's changes as Server-Sent Events, each sent once the orders view holds it (a GET then sees at
   * least that state). `id:` is the event's position: a reconnecting client sends it back as Last-Event-ID
   * and first gets what it missed. Comment lines keep the stream alive; a last `close` event says why the
   * server ended it (token expired, too slow a reader, shutdown).
   */
  @Get(':id/events')
  @ApiOperation({ summary: "Follow an order's changes live (Server-Sent Events)" })
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The id (position) of the last event received: the stream resumes after it',
  })
  @ApiOkResponse({
    description:
      'text/event-stream: `data:` {orderId, eventType, position, streamName, revision, recordedAt} per change, ' +
      '`id:` = position, `event: close` {code, message} before the server ends the stream',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiNotFoundResponse()
  @ApiTooManyRequestsResponse({ description: 'Too many live connections open for this user' })
  async follow(
    @Param('id', new ParseUUIDPipe()) orderId: string,
    @Query() query: ConsistentReadQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const after = this.resumePosition(lastEventId);
    await this.consistency.atLeast(ordersProjection.name, query.position);
    const view = await this.queries.execute(new GetOrderQuery(orderId));
    // Another customer's order answers exactly like a missing one, as GET /orders/:id does.
    if (!view || !canSeeCustomer(user, view.customerId))
      throw new NotFoundError('order_not_found', `Order ${orderId} does not exist`, { orderId });
    const connection = connectLive(this.bus, user, authorization);
    // Subscribed before the replay is read: nothing committed meanwhile falls between the two.
    const subscription = connection.subscribe(LiveTopics.orderUpdated(orderId), {
      ...(user.roles.some((r) => r !== 'customer') ? {} : { ownerId: user.sub }),
    });
    let replayed: StoredEvent[];
    try {
      replayed = after ? await this.history.since(orderId, after) : [];
    } catch (error) {
      connection.close();
      throw error;
    }
    const stream = SseStream.hijack(request, reply, { heartbeatMs: this.config.live.heartbeatMs });
    stream.comment('subscribed');
    let last: LogPosition | null = after;
    for (const event of replayed) {
      await stream.send({ id: formatPosition(event.position!), data: fromStored(orderId, event) });
      last = event.position!;
    }
    void pipeToSse(
      subscription,
      stream,
      (message) => {
        if (message.type !== 'change') return undefined;
        const position = parsePosition(message.position);
        // Already replayed (or before the client's Last-Event-ID).
        if (!position || (last && comparePositions(position, last) <= 0)) return undefined;
        last = position;
        return orderEvent(message);
      },
      () => connection.closeReason,
    ).finally(() => connection.close());
  }

  private resumePosition(lastEventId: string | undefined): LogPosition | null {
    if (lastEventId === undefined || lastEventId.trim() === '') return null;
    const position = parsePosition(lastEventId);
    if (!position)
      throw new ValidationError(
        'invalid_last_event_id',
        'Last-Event-ID must be an event id of this stream, e.g. "1234/1234"',
      );
    return position;
  }
}
