import { Module } from '@nestjs/common';
import { ReadConsistency } from '../http/read-consistency';
import { GetReportHandler } from './get-report.handler';
import { ReportsController } from './reports.controller';
import { RequestSalesReportHandler } from './request-sales-report.handler';

@Module({
  controllers: [ReportsController],
  providers: [RequestSalesReportHandler, GetReportHandler, ReadConsistency],
})
export class ReportsModule {}
