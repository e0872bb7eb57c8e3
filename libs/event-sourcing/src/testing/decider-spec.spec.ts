import { AssertionError } from 'node:assert';
import {
  type Command,
  type Decider,
  deciderSpec,
  RuleViolatedError,
  ValidationError,
} from '@shop/event-sourcing';

// A tiny example aggregate: a bounded counter.
type Increment = Command<'Increment', { by: number }>;
type Reset = Command<'Reset', Record<string, never>>;
type Incremented = { type: 'Incremented'; data: { by: number; at: string } };
type WasReset = { type: 'WasReset'; data: Record<string, never> };

class LimitReached extends RuleViolatedError {
  constructor(limit: number) {
    super('counter_limit_reached', `The counter cannot exceed ${limit}`, { limit });
  }
}

const counter: Decider<{ value: number }, Increment | Reset, Incremented | WasReset> = {
  initialState: () => ({ value: 0 }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'Incremented':
        return { value: state.value + event.data.by };
      case 'WasReset':
        return { value: 0 };
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'Increment':
        if (command.data.by <= 0) throw new ValidationError('invalid_increment', 'by must be positive');
        if (state.value + command.data.by > 10) throw new LimitReached(10);
        return [
          { type: 'Incremented', data: { by: command.data.by, at: command.metadata.now.toISOString() } },
        ];
      case 'Reset':
        return state.value === 0 ? [] : [{ type: 'WasReset', data: {} }];
    }
  },
};

const now = new Date('2026-01-02T03:04:05.000Z');
const increment = (by: number): Increment => ({ type: 'Increment', data: { by }, metadata: { now } });
const reset: Reset = { type: 'Reset', data: {}, metadata: { now } };
const incremented = (by: number): Incremented => ({
  type: 'Incremented',
  data: { by, at: now.toISOString() },
});

const { given } = deciderSpec(counter);

describe('deciderSpec', () => {
  it('passes when the command produces the expected events', () => {
    given()
      .when(increment(2))
      .then([incremented(2)]);
    given([incremented(3)])
      .when(reset)
      .then([{ type: 'WasReset', data: {} }]);
  });

  it('fails with a diff when the events differ', () => {
    expect(() =>
      given()
        .when(increment(2))
        .then([incremented(3)]),
    ).toThrow(AssertionError);
  });

  it('fails when the command throws but events were expected, keeping the error as cause', () => {
    let failure: unknown;
    try {
      given([incremented(9)])
        .when(increment(2))
        .then([incremented(2)]);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(AssertionError);
    expect((failure as Error).cause).toBeInstanceOf(LimitReached);
  });

  it('checks the error class and, optionally, its stable code', () => {
    given([incremented(9)])
      .when(increment(2))
      .thenThrows(LimitReached);
    given([incremented(9)])
      .when(increment(2))
      .thenThrows(RuleViolatedError, 'counter_limit_reached');
    given().when(increment(0)).thenThrows(ValidationError, 'invalid_increment');
    expect(() => given().when(increment(0)).thenThrows(RuleViolatedError)).toThrow(AssertionError);
    expect(() => given().when(increment(0)).thenThrows(ValidationError, 'other_code')).toThrow(
      AssertionError,
    );
    expect(() => given().when(increment(1)).thenThrows(ValidationError)).toThrow(/produced Incremented/);
  });

  it('recognises an accepted no-op', () => {
    given().when(reset).thenNothingHappened();
    expect(() =>
      given([incremented(1)])
        .when(reset)
        .thenNothingHappened(),
    ).toThrow(AssertionError);
    expect(() => given().when(increment(0)).thenNothingHappened()).toThrow(/threw ValidationError/);
  });

  it('refuses to be used as a promise', () => {
    const chain = given().when(reset) as unknown as { then: (resolve: () => void) => void };
    expect(() => chain.then(() => undefined)).toThrow(/do not await/);
  });
});
