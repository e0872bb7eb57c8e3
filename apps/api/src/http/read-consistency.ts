import { Injectable } from '@nestjs/common';
import { RuleViolatedError, ValidationError } from '@shop/event-sourcing';
import { parsePosition, ProjectionManager } from '@shop/projections';

/** How long a query waits for its view to reach the position a client asked for. */
const READ_WAIT_MS = 5_000;

/**
 * Read-your-writes: a query that carries the position a command returned waits (bounded) until its view has
 * applied everything up to there, and otherwise says so instead of serving stale data.
 */
@Injectable()
export class ReadConsistency {
  constructor(private readonly projections: ProjectionManager) {}

  async atLeast(projection: string, positionToken: string | undefined): Promise<void> {
    if (positionToken === undefined) return;
    const position = parsePosition(positionToken);
    if (!position) {
      throw new ValidationError(
        'invalid_position',
        'position must be a token returned by a command, e.g. "1234/1234"',
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
}
