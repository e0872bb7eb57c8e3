import { type Type } from '@nestjs/common';

/** Where nest-commander's decorators keep a command's options (subCommands among them). */
const COMMAND_META = 'CommandBuilder:Command:Meta';
const SUBCOMMAND_META = 'CommandBuilder:Subcommand:Meta';

/**
 * Each top-level command's class, loaded alone: help and usage errors for one group load only that group's
 * libraries, not every command's (the projections engine, the store's files, the token service...).
 */
const GROUPS: Record<string, () => Promise<Type>> = {
  config: async () => (await import('./config/config.command')).ConfigCommand,
  projections: async () => (await import('./projections/projections.command')).ProjectionsCommand,
  streams: async () => (await import('./streams/streams.command')).StreamsCommand,
  events: async () => (await import('./events/events.command')).EventsCommand,
  trace: async () => (await import('./events/events.command')).TraceCommand,
  auth: async () => (await import('./auth/auth.command')).AuthCommand,
  store: async () => (await import('./store/store.command')).StoreCommand,
  broker: async () => (await import('./broker/broker.command')).BrokerCommand,
};

export const COMMAND_GROUPS: readonly string[] = Object.keys(GROUPS);

/** A command and, recursively, its subcommands: what nest-commander needs as providers to run it. */
export function withSubCommands(command: Type): Type[] {
  const meta = (Reflect.getMetadata(COMMAND_META, command) ??
    Reflect.getMetadata(SUBCOMMAND_META, command)) as { subCommands?: Type[] } | undefined;
  return [command, ...(meta?.subCommands ?? []).flatMap(withSubCommands)];
}

/** The commands `args` can reach: one group's when it names one, else all of them (root help, a typo). */
export async function reachableCommands(args: readonly string[]): Promise<Type[]> {
  const group = Object.hasOwn(GROUPS, args[0] ?? '') ? GROUPS[args[0]!] : undefined;
  if (group) return withSubCommands(await group());
  return [...(await import('./cli-commands')).COMMANDS];
}
