// A tiny example aggregate for this lib's tests only; the shop's real deciders live in their own libs.
import { type Command, type Decider, RuleViolatedError } from '@shop/event-sourcing';

export type TallyState = { value: number; count: number; tags: string[]; lastAt: string | null };

export type TallyCommand =
  | Command<'Add', { by: number }>
  | Command<'Tag', { label: string }>
  | Command<'Reset', Record<string, never>>;

export type TallyEvent =
  | { type: 'Added'; data: { by: number; at: string } }
  | { type: 'Tagged'; data: { label: string } }
  | { type: 'WasReset'; data: Record<string, never> };

export class TallyLocked extends RuleViolatedError {
  constructor() {
    super('tally_locked', 'A locked tally cannot be changed');
  }
}

export const tally: Decider<TallyState, TallyCommand, TallyEvent> = {
  initialState: () => ({ value: 0, count: 0, tags: [], lastAt: null }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'Added':
        return {
          ...state,
          value: state.value + event.data.by,
          count: state.count + 1,
          lastAt: event.data.at,
        };
      case 'Tagged':
        return { ...state, tags: [...state.tags, event.data.label], count: state.count + 1 };
      case 'WasReset':
        return { ...state, value: 0, count: state.count + 1 };
    }
  },
  decide: (command, state) => {
    if (state.tags.includes('locked')) throw new TallyLocked();
    switch (command.type) {
      case 'Add':
        return [{ type: 'Added', data: { by: command.data.by, at: command.metadata.now.toISOString() } }];
      case 'Tag':
        // Tagging twice with the same label is an accepted no-op.
        return state.tags.includes(command.data.label) ? [] : [{ type: 'Tagged', data: command.data }];
      case 'Reset':
        return state.value === 0 ? [] : [{ type: 'WasReset', data: {} }];
    }
  },
};

export const withSnapshots = (every: number, schemaVersion = 1): typeof tally => ({
  ...tally,
  snapshots: { every, schemaVersion },
});

const defaultNow = new Date('2026-01-01T00:00:00.000Z');

export const add = (
  by: number,
  extra: { now?: Date; idempotencyKey?: string; requestFingerprint?: string } = {},
): TallyCommand => ({
  type: 'Add',
  data: { by },
  metadata: {
    now: extra.now ?? defaultNow,
    ...(extra.idempotencyKey ? { idempotencyKey: extra.idempotencyKey } : {}),
    ...(extra.requestFingerprint ? { requestFingerprint: extra.requestFingerprint } : {}),
  },
});

export const tag = (label: string, idempotencyKey?: string): TallyCommand => ({
  type: 'Tag',
  data: { label },
  metadata: { now: defaultNow, ...(idempotencyKey ? { idempotencyKey } : {}) },
});

export const reset = (): TallyCommand => ({ type: 'Reset', data: {}, metadata: { now: defaultNow } });
