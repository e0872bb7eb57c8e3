import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { type ReportView } from '@shop/reporting';

export enum ReportStatus {
  pending = 'pending',
  ready = 'ready',
  failed = 'failed',
}
registerEnumType(ReportStatus, { name: 'ReportStatus' });

@ObjectType('ReportPeriod')
export class ReportPeriodType {
  @Field({ description: 'First day (UTC), included' }) from!: string;
  @Field({ description: 'Day after the last one (UTC), excluded' }) to!: string;
}

@ObjectType('SalesReportRow')
export class SalesReportRowType {
  @Field(() => ID) productId!: string;
  @Field() sku!: string;
  @Field() name!: string;
  @Field(() => Int) units!: number;
  @Field(() => Int) revenueCents!: number;
}

@ObjectType('SalesReportTotals')
export class SalesReportTotalsType {
  @Field(() => Int) units!: number;
  @Field(() => Int) revenueCents!: number;
}

/** A sales report: pending, ready (with rows and totals) or failed (with the reason), as in REST. */
@ObjectType('Report')
export class ReportType {
  @Field(() => ID) id!: string;
  @Field(() => ReportStatus) status!: ReportStatus;
  @Field(() => ReportPeriodType) period!: ReportPeriodType;
  @Field(() => GraphQLISODateTime) requestedAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) completedAt?: Date;
  @Field(() => [SalesReportRowType], { nullable: true }) rows?: SalesReportRowType[];
  @Field(() => SalesReportTotalsType, { nullable: true }) totals?: SalesReportTotalsType;
  @Field(() => String, { nullable: true }) failureReason?: string;
}

export const toReport = ({ _id, status, rows, ...rest }: ReportView): ReportType => ({
  ...rest,
  id: _id,
  status: status as ReportStatus,
  ...(rows ? { rows: [...rows] } : {}),
});
