import { Field, Int, ObjectType } from '@nestjs/graphql';
import { type ProjectionStatusMessage, type ViewChangeMessage } from '@shop/live';

/** A change a read model now holds (libs/live's ViewChangeMessage): query with `position` to see it. */
@ObjectType('LiveChange')
export class LiveChangeType {
  @Field({ description: 'What changed: order, product, stock, report, report-ready' }) topic!: string;
  @Field() id!: string;
  @Field(() => String, { nullable: true, description: 'The customer it belongs to' }) ownerId?: string;
  @Field({ description: 'The projection whose view holds the change' }) projection!: string;
  @Field() eventType!: string;
  @Field({ description: 'Pass as `position` to a query: it then reads at least this state' })
  position!: string;
  @Field() streamName!: string;
  @Field() revision!: string;
  @Field() recordedAt!: string;
}

@ObjectType('ProjectionStatusUpdate')
export class ProjectionStatusUpdateType {
  @Field() name!: string;
  @Field() kind!: string;
  @Field() state!: string;
  @Field(() => String, { nullable: true }) checkpoint!: string | null;
  @Field(() => Int) processed!: number;
  @Field(() => Int) lagEvents!: number;
  @Field(() => Int) lagMs!: number;
  @Field(() => String, { nullable: true }) lastError?: string;
  @Field() at!: string;
}

export const toLiveChange = (message: ViewChangeMessage): LiveChangeType => {
  const { type: _type, ...change } = message;
  return change;
};

export const toProjectionStatus = (message: ProjectionStatusMessage): ProjectionStatusUpdateType => {
  const { type: _type, ...status } = message;
  return status;
};
