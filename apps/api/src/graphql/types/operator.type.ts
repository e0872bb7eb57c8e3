import { Field, Int, ObjectType } from '@nestjs/graphql';
import { JsonScalar } from './scalars';

/** An event as operators see it (libs/inspection's EventSummary): positions and revisions as strings. */
@ObjectType('Event')
export class EventType {
  @Field() stream!: string;
  @Field() revision!: string;
  @Field(() => String, { nullable: true }) position!: string | null;
  @Field() type!: string;
  @Field() eventId!: string;
  @Field() correlationId!: string;
  @Field() causationId!: string;
  @Field(() => String, { nullable: true }) userId?: string;
  @Field() occurredAt!: string;
  @Field() recordedAt!: string;
  @Field(() => JsonScalar) data!: unknown;
}

@ObjectType()
export class EventPage {
  @Field(() => [EventType]) events!: EventType[];
  @Field(() => String, {
    nullable: true,
    description: 'The revision to read from for the next page (pass as `from`); null at the end',
  })
  next!: string | null;
}

/** A stream: its events are read page by page through `events`. */
@ObjectType('Stream')
export class StreamType {
  @Field() name!: string;
}

@ObjectType('TraceNode')
export class TraceNodeType {
  @Field(() => EventType) event!: EventType;
  @Field(() => [TraceNodeType], { description: 'The events this one caused' }) children!: TraceNodeType[];
}

@ObjectType('Trace')
export class TraceType {
  @Field() correlationId!: string;
  @Field(() => Int) events!: number;
  @Field(() => [TraceNodeType], { description: 'The events a request (not another event) caused' })
  tree!: TraceNodeType[];
}

@ObjectType('ProjectionStatus')
export class ProjectionStatusType {
  @Field() name!: string;
  @Field() kind!: string;
  @Field(() => Int) version!: number;
  @Field() state!: string;
  @Field(() => String, { nullable: true }) checkpoint!: string | null;
  @Field(() => Int) processed!: number;
  @Field(() => Int, { nullable: true }) lagEvents!: number | null;
  @Field(() => Int, { nullable: true }) lagMs!: number | null;
  @Field(() => Int) parked!: number;
  @Field(() => String, { nullable: true }) owner!: string | null;
  @Field(() => String, { nullable: true }) lastError?: string;
  @Field(() => String, { nullable: true }) thirdParty?: string;
}
