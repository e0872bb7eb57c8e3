import { Field, ID, ObjectType } from '@nestjs/graphql';
import { formatPosition } from '@shop/projections';
import { type CommandOutcome } from '../../http/command-reply';

/** What every mutation answers, as REST's CommandAccepted (plus what REST says in headers). */
@ObjectType()
export class CommandResult {
  @Field(() => ID) id!: string;
  @Field({ description: 'Revision of the aggregate after the command; send it back as expectedRevision' })
  revision!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'Log position of the last event appended; pass it as `position` to a query to read your write',
  })
  position!: string | null;
  @Field({ description: 'The idempotency key had been seen: this is the original result, nothing appended' })
  replayed!: boolean;
  @Field({ description: 'The command changed nothing (an accepted no-op)' })
  unchanged!: boolean;
}

export const toCommandResult = (outcome: CommandOutcome): CommandResult => ({
  id: outcome.id,
  revision: outcome.revision.toString(),
  position: outcome.position ? formatPosition(outcome.position) : null,
  replayed: outcome.replayed === true,
  unchanged: outcome.unchanged === true,
});
