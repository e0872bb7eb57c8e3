import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@shop/auth';
import { type MessageContext, NotFoundError } from '@shop/event-sourcing';
import { RequestContext } from '@shop/http';
import { reportsProjection } from '@shop/reporting';
import { type FastifyReply } from 'fastify';
import { creationId, parseIdempotencyKey } from '../http/command-headers';
import { CommandAccepted, commandAccepted } from '../http/command-reply';
import { ConsistentReadQuery } from '../http/consistent-read.query';
import { ReadConsistency } from '../http/read-consistency';
import { GetReportQuery } from './get-report.query';
import { RequestSalesReportCommand } from './request-sales-report.command';
import { RequestSalesReportRequest } from './request-sales-report.dto';

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
  @HttpCode(202)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiAcceptedResponse({ type: CommandAccepted, description: 'Location points at the report' })
  async request(
    @Body() body: RequestSalesReportRequest,
    @Headers('idempotency-key') idempotencyHeader: string | undefined,
    @RequestContext() context: MessageContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAccepted> {
    const idempotencyKey = parseIdempotencyKey(idempotencyHeader);
    const reportId = creationId('report', context.userId, idempotencyKey);
    const outcome = await this.commands.execute(
      new RequestSalesReportCommand(reportId, body.from, body.to, context, idempotencyKey),
    );
    return commandAccepted(reply, outcome, `/v1/reports/${reportId}`);
  }

  /** pending, ready (with rows and totals) or failed (with the reason). */
  @Get(':id')
  @ApiOkResponse({ description: 'The report and its status' })
  async get(@Param('id', new ParseUUIDPipe()) reportId: string, @Query() query: ConsistentReadQuery) {
    await this.consistency.atLeast(reportsProjection.name, query.position);
    const view = await this.queries.execute(new GetReportQuery(reportId));
    if (!view) throw new NotFoundError('report_not_found', `Report ${reportId} does not exist`, { reportId });
    const { _id, ...report } = view;
    return { id: _id, ...report };
  }
}
