import { wantsHelpOnly } from './cli-help.module';

describe('wantsHelpOnly', () => {
  it('is true for help in any form commander prints help for', () => {
    expect(wantsHelpOnly([])).toBe(true);
    expect(wantsHelpOnly(['--help'])).toBe(true);
    expect(wantsHelpOnly(['help', 'streams'])).toBe(true);
    expect(wantsHelpOnly(['projections', 'rebuild', '-h'])).toBe(true);
    expect(wantsHelpOnly(['streams', 'read', 'order-1', '--help'])).toBe(true);
  });

  it('is false for commands, and for -h/--help given as values after --', () => {
    expect(wantsHelpOnly(['projections', 'list'])).toBe(false);
    expect(wantsHelpOnly(['events', 'search', '--', '--help'])).toBe(false);
    expect(wantsHelpOnly(['streams', 'read', 'help'])).toBe(false);
  });
});
