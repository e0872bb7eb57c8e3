import { ApiProperty } from '@nestjs/swagger';
import { type DomainEvent } from '@shop/event-sourcing';
import { type CommandResult } from '@shop/eventstore';
import { formatPosition } from '@shop/projections';
import { type FastifyReply } from 'fastify';

/** What every command answers: the aggregate, its new revision (also the ETag) and the log position. */
export class CommandAccepted {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    description: 'Revision of the aggregate after the command; send it back as If-Match',
    example: '3',
  })
  revision!: string;

  @ApiProperty({
    nullable: true,
    description:
      'Log position of the last event appended; pass it as ?position= to a query to read your writes',
    example: '1234/1234',
  })
  position!: string | null;
}

export interface CommandOutcome {
  id: string;
  revision: bigint;
  position?: { commit: bigint; prepare: bigint } | undefined;
  /** The command's Idempotency-Key had been seen: this is the original result, nothing was appended. */
  replayed?: boolean;
  /** The command changed nothing (an accepted no-op, e.g. the same product registered again). */
  unchanged?: boolean;
}

/** What a handler answers for the aggregate `id` after AggregateStore.handle(). */
export const commandOutcome = (id: string, result: CommandResult<DomainEvent>): CommandOutcome => ({
  id,
  revision: result.nextRevision,
  position: result.position,
  replayed: result.outcome === 'duplicate',
  unchanged: result.outcome === 'unchanged',
});

/** Header marking a response as the replay of an earlier request with the same Idempotency-Key. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * Sets ETag and X-Commit-Position (and Location when given) and returns the body. The Location carries the
 * command's position, so a client following it at once reads its own write (the query waits for its view)
 * instead of a 404 from a view that has not caught up yet.
 */
export function commandAccepted(
  reply: FastifyReply,
  outcome: CommandOutcome,
  location?: string,
): CommandAccepted {
  const position = outcome.position ? formatPosition(outcome.position) : null;
  void reply.header('ETag', `"${outcome.revision}"`);
  if (position) void reply.header('X-Commit-Position', position);
  if (location) void reply.header('Location', position ? `${location}?position=${position}` : location);
  if (outcome.replayed) void reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
  return { id: outcome.id, revision: outcome.revision.toString(), position };
}
