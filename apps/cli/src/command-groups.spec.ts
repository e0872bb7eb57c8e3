import 'reflect-metadata';
import { COMMANDS } from './cli-commands';
import { COMMAND_GROUPS, reachableCommands } from './command-groups';

describe('command groups', () => {
  it('together reach exactly every command of the CLI (each group with all its subcommands)', async () => {
    const reached = await Promise.all(COMMAND_GROUPS.map((group) => reachableCommands([group, 'x'])));
    expect(new Set(reached.flat())).toEqual(new Set(COMMANDS));
  });

  it('load one group for a command in it, and every command for root help or an unknown command', async () => {
    const streams = (await reachableCommands(['streams', 'state'])).map((c) => c.name);
    expect(streams).toEqual(expect.arrayContaining(['StreamsCommand', 'StreamsStateCommand']));
    expect(streams).not.toContain('ProjectionsRebuildCommand');
    expect((await reachableCommands(['projections', 'parked', 'list'])).map((c) => c.name)).toContain(
      'ParkedListCommand',
    );
    expect(await reachableCommands([])).toEqual(COMMANDS);
    expect(await reachableCommands(['no-such-command'])).toEqual(COMMANDS);
    expect(await reachableCommands(['constructor'])).toEqual(COMMANDS);
  });
});
