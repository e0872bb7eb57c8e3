import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@shop/auth';
import { type MessageContext, NotFoundError } from '@shop/event-sourcing';
import { RequestContext } from '@shop/http';
import { reportsProjection } from '@shop/reporting';
import { type FastifyReply } from 'fastify';
import { creationId } from '../http/command-headers';
import { CommandAccepted, commandAccepted } from '../http/command-reply';
import { ConsistentReadQuery } from '../http/consistent-read.query';
import { ApiIdempotencyKey, type CommandIdempotency, Idempotency } from '../http/idempotency';
import { ReadConsistency } from '../http/read-consistency';
import { GetReportQuery } from './get-report.query';
import { RequestSalesReportCommand } from './request-sales-report.command';
import { RequestSalesReportRequest } from './request-sales-report.dto';

/** Seconds a client should wait before polling a report it just requested. */
const REPORT_POLL_SECONDS = 1;

/** Sales reports are built in the background: request one (202 + Location), then poll it. */
@ApiTags('reports')
@Controller('reports')
@Roles('clerk', 'admin', 'auditor')
export class ReportsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly consistency: ReadConsistency,
  ) {}

  @Post('sales')
  @ApiOperation({ summary: 'Request a sales report (built in the background)' })
  @HttpCode(202)
  @ApiIdempotencyKey()
  @ApiAcceptedResponse({
    type: CommandAccepted,
    description: 'Location points at the report (pending at once); Retry-After says when to poll it',
  })
  async request(
    @Body() body: RequestSalesReportRequest,
    @Idempotency() idempotency: CommandIdempotency | undefined,
    @RequestContext() context: MessageContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAccepted> {
    const reportId = creationId('report', context.userId, idempotency?.clientKey);
    const outcome = await this.commands.execute(
      new RequestSalesReportCommand(reportId, body.from, body.to, context, idempotency),
    );
    // Building takes a moment: poll the Location (which reads the report as pending at once) after this.
    void reply.header('Retry-After', String(REPORT_POLL_SECONDS));
    return commandAccepted(reply, outcome, `/v1/reports/${reportId}`);
  }

  /** pending, ready (with rows and totals) or failed (with the reason). */
  @Get(':id')
  @ApiOperation({ summary: 'Get a sales report (pending, ready or failed)' })
  @ApiOkResponse({ description: 'The report and its status' })
  async get(@Param('id', new ParseUUIDPipe()) reportId: string, @Query() query: ConsistentReadQuery) {
    await this.consistency.atLeast(reportsProjection.name, query.position);
    const view = await this.queries.execute(new GetReportQuery(reportId));
    if (!view) throw new NotFoundError('report_not_found', `Report ${reportId} does not exist`, { reportId });
    const { _id, ...report } = view;
    return { id: _id, ...report };
  }
}
