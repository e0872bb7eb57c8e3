import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MONGO_DB } from '@shop/mongo';
import { REPORTS_COLLECTION, type ReportView } from '@shop/reporting';
import { type Db } from 'mongodb';
import { GetReportQuery } from './get-report.query';

@QueryHandler(GetReportQuery)
export class GetReportHandler implements IQueryHandler<GetReportQuery> {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  execute({ reportId }: GetReportQuery): Promise<ReportView | null> {
    return this.db.collection<ReportView>(REPORTS_COLLECTION).findOne({ _id: reportId });
  }
}
