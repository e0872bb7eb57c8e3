import { type Command, type Decider, type DomainEvent } from '@shop/event-sourcing';
import { type HandleOptions } from './aggregate-store';

/** One aggregate's command in a write that spans several streams (AggregateStore.handleTogether). */
export interface CommandStep {
  readonly decider: Decider<unknown, Command, DomainEvent>;
  readonly streamName: string;
  readonly command: Command;
  /**
   * As for `handle`. `expectNew`: the step starts its stream, so the write may be decided on the initial state
   * without reading it (refused and decided again on fresh state if the stream exists after all).
   */
  readonly options: HandleOptions;
}

export const commandStep = <S, C extends Command, E extends DomainEvent>(
  decider: Decider<S, C, E>,
  streamName: string,
  command: C,
  options: HandleOptions = {},
): CommandStep => ({
  decider,
  streamName,
  command,
  options,
});

/**
 * Step `index` of a multi-stream write failed before anything was appended for it: its decider refused the
 * command (a DomainError), its expected revision did not hold, or its stream could not be read. `cause` is
 * what `handle` would have thrown. With atomic appends nothing of the whole write was appended; where the
 * node has no atomic appends the earlier steps were (each idempotently, as separate `handle` calls).
 */
export class CommandStepError extends Error {
  constructor(
    readonly index: number,
    readonly streamName: string,
    options: { cause: unknown },
  ) {
    super(`Step ${index} (${streamName}) failed: ${messageOf(options.cause)}`, options);
    this.name = 'CommandStepError';
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
