import { UseGuards } from '@nestjs/common';
import { Args, ArgsType, Field, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Roles } from '@shop/auth';
import { ValidationError } from '@shop/event-sourcing';
import { SkipRateLimits } from '@shop/http';
import { InspectionService } from '@shop/inspection';
import { formatPosition, ProjectionManager } from '@shop/projections';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { GraphqlAuthGuard } from '../graphql-auth.guard';
import { EventPage, ProjectionStatusType, StreamType, TraceType } from '../types/operator.type';

@ArgsType()
export class StreamEventsArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1-1000 (default 100)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  first?: number;

  @Field(() => String, { nullable: true, description: "Revision to start at (the previous page's `next`)" })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,19}$/, { message: 'from must be a revision, e.g. "0"' })
  from?: string;

  @Field(() => Boolean, { nullable: true, description: 'Newest first' })
  @IsOptional()
  @IsBoolean()
  backwards?: boolean;
}

/** Operators: what /v1/admin shows, through the same InspectionService and ProjectionManager. */
@Resolver(() => StreamType)
@UseGuards(GraphqlAuthGuard)
@SkipRateLimits()
@Roles('admin', 'auditor')
export class OperatorsResolver {
  constructor(
    private readonly inspection: InspectionService,
    private readonly manager: ProjectionManager,
  ) {}

  @Query(() => StreamType, { description: 'An event stream; read its events page by page' })
  stream(@Args('name', { type: () => String }) name: string): StreamType {
    return { name };
  }

  @ResolveField(() => EventPage)
  events(@Parent() stream: StreamType, @Args() args: StreamEventsArgs): Promise<EventPage> {
    return this.inspection.readStream(stream.name, {
      limit: args.first ?? 100,
      backwards: args.backwards ?? false,
      ...(args.from != null ? { from: BigInt(args.from) } : {}),
    });
  }

  @Query(() => TraceType, { description: 'The causation tree of one conversation (correlation id)' })
  trace(@Args('correlationId', { type: () => String }) correlationId: string): Promise<TraceType> {
    return this.inspection.trace(checkCorrelationId(correlationId));
  }

  @Query(() => [ProjectionStatusType], { description: 'Projections: position, lag, status, parked events' })
  async projections(): Promise<ProjectionStatusType[]> {
    return (await this.manager.status()).map((s) => ({
      ...s,
      checkpoint: s.checkpoint ? formatPosition(s.checkpoint) : null,
    }));
  }
}

const checkCorrelationId = (id: string): string => {
  if (id.length === 0 || id.length > 200) {
    throw new ValidationError('invalid_correlation_id', 'a correlation id is 1-200 characters');
  }
  return id;
};
