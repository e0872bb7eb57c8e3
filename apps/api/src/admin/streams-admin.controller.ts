import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@shop/auth';
import { ValidationError } from '@shop/event-sourcing';
import { InspectionService } from '@shop/inspection';
import { DiffQuery, SearchQuery, StateQuery, StreamListQuery, StreamPageQuery } from './admin.dto';

/** Read-only inspection of the event store, for auditors and admins. */
@ApiTags('admin')
@Controller('admin')
@Roles('admin', 'auditor')
export class StreamsAdminController {
  constructor(private readonly inspection: InspectionService) {}

  @Get('streams')
  @ApiOperation({ summary: 'List streams, optionally by category' })
  async list(@Query() query: StreamListQuery) {
    return { streams: await this.inspection.listStreams(query.prefix, query.limit ?? 100) };
  }

  @Get('streams/:stream/events')
  @ApiOperation({ summary: "Read a stream's events" })
  events(@Param('stream') stream: string, @Query() query: StreamPageQuery) {
    return this.inspection.readStream(stream, {
      limit: query.limit ?? 100,
      backwards: query.backwards ?? false,
      ...(query.from !== undefined ? { from: BigInt(query.from) } : {}),
    });
  }

  /** The aggregate's state now, after a revision, or at a point in time. */
  @Get('streams/:stream/state')
  @ApiOperation({ summary: "An aggregate's state now, after a revision or at a time" })
  state(@Param('stream') stream: string, @Query() query: StateQuery) {
    if (query.revision !== undefined && query.at !== undefined) {
      throw new ValidationError('ambiguous_point', 'give either revision or at, not both');
    }
    const at =
      query.at !== undefined
        ? { time: query.at }
        : { revision: BigInt(query.revision ?? Number.MAX_SAFE_INTEGER) };
    return this.inspection.stateAt(stream, at);
  }

  @Get('streams/:stream/diff')
  @ApiOperation({ summary: 'What changed in a stream between two revisions' })
  diff(@Param('stream') stream: string, @Query() query: DiffQuery) {
    if (query.to < query.from) throw new ValidationError('invalid_range', 'to must not be before from');
    return this.inspection.diff(stream, BigInt(query.from), BigInt(query.to));
  }

  @Get('events')
  @ApiOperation({ summary: 'Search events across all streams' })
  async search(@Query() query: SearchQuery) {
    return {
      events: await this.inspection.search({
        ...(query.type ? { type: query.type } : {}),
        ...(query.correlationId ? { correlationId: query.correlationId } : {}),
        ...(query.since ? { since: query.since } : {}),
        ...(query.until ? { until: query.until } : {}),
        limit: query.limit ?? 100,
      }),
    };
  }

  /** The causation tree of one conversation. */
  @Get('traces/:correlationId')
  @ApiOperation({ summary: 'The causation tree of one conversation' })
  trace(@Param('correlationId') correlationId: string) {
    return this.inspection.trace(correlationId);
  }
}
