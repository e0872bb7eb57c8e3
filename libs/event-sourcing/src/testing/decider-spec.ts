import { deepStrictEqual, AssertionError } from 'node:assert';
import { type Command } from '../command';
import { type Decider, fold } from '../decider';
import { type DomainEvent } from '../event';

type ErrorClass = abstract new (...args: never[]) => Error;

export interface DeciderWhen<E extends DomainEvent> {
  /** Asserts that the command produced exactly these events, in order. */
  then(expected: readonly E[]): void;
  /** Asserts that the command was rejected with an instance of `errorClass` (and, if given, this `code`). */
  thenThrows(errorClass: ErrorClass, code?: string): void;
  /** Asserts that the command was accepted and changed nothing. */
  thenNothingHappened(): void;
}

export interface DeciderGiven<C extends Command, E extends DomainEvent> {
  when(command: C): DeciderWhen<E>;
}

type Outcome<E> = { events: readonly E[] } | { error: unknown };

/**
 * given/when/then for deciders, free of any test framework (it throws node's AssertionError, which jest and
 * node:test both report with a diff):
 *
 *   const { given } = deciderSpec(counter);
 *   given([incremented(1)]).when(increment(2)).then([incremented(2)]);
 *
 * Do not `await` or return the chain from a test: `then` would be mistaken for a promise's.
 */
export const deciderSpec = <S, C extends Command, E extends DomainEvent>(decider: Decider<S, C, E>) => ({
  given: (history: readonly E[] = []): DeciderGiven<C, E> => ({
    when: (command: C): DeciderWhen<E> => {
      const run = (): Outcome<E> => {
        const state = fold(decider, decider.initialState(), history);
        try {
          return { events: decider.decide(command, state) };
        } catch (error) {
          return { error };
        }
      };
      return {
        then: (expected) => {
          if (typeof expected === 'function') {
            throw new Error('given/when/then chains are synchronous: do not await or return them');
          }
          const outcome = run();
          if ('error' in outcome) throw unexpected('events', outcome.error);
          deepStrictEqual(outcome.events, expected);
        },
        thenThrows: (errorClass, code) => {
          const outcome = run();
          if (!('error' in outcome)) {
            throw new AssertionError({
              message: `Expected ${errorClass.name} but the command produced ${describe(outcome.events)}`,
            });
          }
          if (!(outcome.error instanceof errorClass)) throw unexpected(errorClass.name, outcome.error);
          if (code !== undefined) {
            deepStrictEqual((outcome.error as Error & { code?: unknown }).code, code, 'error code');
          }
        },
        thenNothingHappened: () => {
          const outcome = run();
          if ('error' in outcome) throw unexpected('no events', outcome.error);
          deepStrictEqual(outcome.events, [], 'expected the command to change nothing');
        },
      };
    },
  }),
});

const describe = (events: readonly DomainEvent[]): string =>
  events.length === 0 ? 'no events' : events.map((e) => e.type).join(', ');

const unexpected = (wanted: string, error: unknown): AssertionError => {
  const failure = new AssertionError({
    message: `Expected ${wanted} but the command threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  });
  failure.cause = error;
  return failure;
};
