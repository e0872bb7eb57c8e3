import { UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { Roles } from '@shop/auth';
import { NotFoundError } from '@shop/event-sourcing';
import { SkipRateLimits } from '@shop/http';
import { reportsProjection } from '@shop/reporting';
import { ReadConsistency } from '../../http/read-consistency';
import { GetReportQuery } from '../../reports/get-report.query';
import { GraphqlAuthGuard } from '../graphql-auth.guard';
import { ReportType, toReport } from '../types/report.type';
import { ByIdArgs } from './read-args';

@Resolver(() => ReportType)
@UseGuards(GraphqlAuthGuard)
@SkipRateLimits()
@Roles('clerk', 'admin', 'auditor')
export class ReportsResolver {
  constructor(
    private readonly queries: QueryBus,
    private readonly consistency: ReadConsistency,
  ) {}

  @Query(() => ReportType, { nullable: true, description: 'A sales report (pending, ready or failed)' })
  async report(@Args() { id, position }: ByIdArgs): Promise<ReportType> {
    await this.consistency.atLeast(reportsProjection.name, position);
    const view = await this.queries.execute(new GetReportQuery(id));
    if (!view) throw new NotFoundError('report_not_found', `Report ${id} does not exist`, { reportId: id });
    return toReport(view);
  }
}
