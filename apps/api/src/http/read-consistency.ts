import { BACKWARDS, END, EventStoreDBClient } from '@eventstore/db-client';
import { Injectable } from '@nestjs/common';
import { type LogPosition, RuleViolatedError, ValidationError } from '@shop/event-sourcing';
import { comparePositions, parsePosition, ProjectionManager } from '@shop/projections';

/** How long a query waits for its view to reach the position a client asked for. */
const READ_WAIT_MS = 5_000;

/**
 * Read-your-writes: a query that carries the position a command returned waits (bounded) until its view has
 * applied everything up to there, and otherwise says so instead of serving stale data.
 */
@Injectable()
export class ReadConsistency {
  constructor(
    private readonly projections: ProjectionManager,
    private readonly eventStore: EventStoreDBClient,
  ) {}

  async atLeast(projection: string, positionToken: string | undefined): Promise<void> {
    if (positionToken === undefined) return;
    const position = parsePosition(positionToken);
    if (!position) {
      throw new ValidationError(
        'invalid_position',
        'position must be a token returned by a command, e.g. "1234/1234"',
      );
    }
    // A caught-up view has "reached" any position, even one no command ever returned: refuse those.
    const head = await this.head();
    if (!head || comparePositions(position, head) > 0) {
      throw new ValidationError(
        'position_beyond_head',
        `position ${positionToken} is beyond the end of the event log; pass a position a command returned`,
      );
    }
    if (!(await this.projections.waitFor(projection, position, READ_WAIT_MS))) {
      throw new RuleViolatedError(
        'view_not_caught_up',
        `The ${projection} view has not caught up with position ${positionToken} yet; retry shortly`,
        { projection, position: positionToken, retryAfterSeconds: 1 },
      );
    }
  }

  /** The position of the last event in the log (undefined when it is empty). */
  private async head(): Promise<LogPosition | undefined> {
    let last: LogPosition | undefined;
    // Read to its end (one event): leaving the stream early would leave its call open until shutdown.
    const stream = this.eventStore.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    for await (const resolved of stream) last = resolved.event?.position ?? last;
    return last;
  }
}
