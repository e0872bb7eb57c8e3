/** True when commander will only print help: `help ...`, no command at all, or -h/--help before any `--`. */
export function wantsHelpOnly(args: readonly string[]): boolean {
  if (args.length === 0 || args[0] === 'help') return true;
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}
