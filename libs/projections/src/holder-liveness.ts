import { readFileSync, readlinkSync } from 'node:fs';
import * as os from 'node:os';

/** Who holds a lease, recorded with it, so that another process can tell when the holder is provably dead. */
export interface HolderIdentity {
  /**
   * The machine and process namespace the pid is meaningful in: hostname, boot id and pid namespace (two
   * containers with one hostname, or a machine rebooted since, are different hosts).
   */
  readonly host: string;
  readonly pid: number;
  /** The process's start time (Linux /proc clock ticks since boot): a reused pid is another process. */
  readonly started?: string;
  /** Embedded servers the holder runs (their URLs): no other process can be serving them while it lives. */
  readonly servers: readonly string[];
}

const read = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/** Field 22 of /proc/<pid>/stat (after the parenthesised command name, which may contain spaces). */
function startTimeOf(pid: number | 'self'): string | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function hostId(): string {
  let pidNamespace = '';
  try {
    pidNamespace = readlinkSync('/proc/self/ns/pid');
  } catch {
    // not Linux: the hostname and pid have to do
  }
  return [os.hostname(), read('/proc/sys/kernel/random/boot_id') ?? '', pidNamespace].join('|');
}

export function currentHolder(servers: readonly string[] = []): HolderIdentity {
  const started = startTimeOf('self');
  return { host: hostId(), pid: process.pid, ...(started ? { started } : {}), servers };
}

function running(pid: number, started: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startTimeOf(pid);
  return started === undefined || now === undefined || now === started;
}

/**
 * True only when `holder` cannot be running: on this host its pid is gone, is this very process (a previous
 * incarnation with the same pid, as after a container restart), or belongs to a process started since; or
 * this process now serves one of the servers it published. Anything else (another host, no record) is not
 * provable, and the lease is left to expire.
 */
export function provablyDead(holder: HolderIdentity | undefined, self: HolderIdentity): boolean {
  if (!holder) return false;
  if (holder.servers.some((url) => self.servers.includes(url))) return true;
  if (holder.host !== self.host) return false;
  if (holder.pid === self.pid) return holder.started !== undefined && holder.started !== self.started;
  return !running(holder.pid, holder.started);
}
