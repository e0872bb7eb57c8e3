import { Controller, Get, Headers, Logger, Req, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@shop/auth';
import { AppConfig } from '@shop/config';
import { ChangeBus, type LiveTopic, LiveTopics, pipeToSse, sharedFormat, SseStream } from '@shop/live';
import { formatPosition, ProjectionManager } from '@shop/projections';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { connectLive } from '../http/live-connection';

const STREAM_DOC = { 'text/event-stream': { schema: { type: 'string' } } };

/** One formatting per message for all operators' streams. */
const operatorEvent = sharedFormat((message) => {
  if (message.type === 'projectionStatus') return { event: 'status', data: message };
  const { type: _type, ...change } = message;
  return { id: message.position, data: change };
});

/** Live feeds for operators (the console): projection status and lag as it changes, every view change. */
@ApiTags('admin')
@Controller('admin')
@Roles('admin', 'auditor')
export class LiveAdminController {
  private readonly logger = new Logger('LiveAdmin');

  constructor(
    private readonly bus: ChangeBus,
    private readonly projections: ProjectionManager,
    private readonly config: AppConfig,
  ) {}

  /**
   * First `event: snapshot` with every projection's and processor's status (as GET /admin/projections),
   * then `event: status` whenever one's state or error changes, and at most once a second with its lag.
   */
  @Get('projections/live')
  @ApiOperation({ summary: 'Follow projection status and lag live (Server-Sent Events)' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      '`event: snapshot` {projections: [...]} once, then `event: status` {name, kind, state, checkpoint, processed, lagEvents, lagMs, lastError?, at}',
    content: STREAM_DOC,
  })
  @ApiTooManyRequestsResponse({ description: 'Too many live connections open for this user' })
  async projectionsLive(
    @Headers('authorization') authorization: string | undefined,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.stream(LiveTopics.projectionStatus(), user, authorization, request, reply, async (stream) => {
      const statuses = await this.projections.status();
      await stream.send({
        event: 'snapshot',
        data: { projections: statuses.map((s) => ({ ...s, checkpoint: formatPosition(s.checkpoint) })) },
      });
    });
  }

  /** Every change any view commits (topic, id, owner, event type, position), for watching the shop work. */
  @Get('events/live')
  @ApiOperation({ summary: 'Follow every read-model change live (Server-Sent Events)' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      '`data:` {topic, id, ownerId?, projection, eventType, position, streamName, revision, recordedAt, committedAt} per change, `id:` = position',
    content: STREAM_DOC,
  })
  @ApiTooManyRequestsResponse({ description: 'Too many live connections open for this user' })
  async eventsLive(
    @Headers('authorization') authorization: string | undefined,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.stream(LiveTopics.allChanges(), user, authorization, request, reply);
  }

  private async stream(
    topic: LiveTopic,
    user: AuthUser,
    authorization: string | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    first?: (stream: SseStream) => Promise<void>,
  ): Promise<void> {
    const connection = connectLive(this.bus, user, authorization);
    const subscription = connection.subscribe(topic);
    const stream = SseStream.hijack(request, reply, { heartbeatMs: this.config.live.heartbeatMs });
    stream.comment('subscribed');
    try {
      await first?.(stream);
    } catch (error) {
      // The snapshot could not be read: the live part still works, and says so (the cause goes to the log).
      this.logger.warn(`live feed ${topic.name}: snapshot unavailable: ${String(error)}`);
      stream.comment('snapshot unavailable');
    }
    void pipeToSse(subscription, stream, operatorEvent, () => connection.closeReason).finally(() =>
      connection.close(),
    );
  }
}
