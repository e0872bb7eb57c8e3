import { Query } from '@nestjs/cqrs';
import { type ReportView } from '@shop/reporting';

export class GetReportQuery extends Query<ReportView | null> {
  constructor(readonly reportId: string) {
    super();
  }
}
