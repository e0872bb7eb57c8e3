import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';

/** Written by the process that runs the embedded servers, so the CLI and other processes can find them. */
export interface DiscoveryRecord {
  pid: number;
  eventStoreUrl?: string;
  mongoUrl?: string;
  startedAt: string;
}

export const DISCOVERY_FILE = 'embedded-servers.json';

export const discoveryPath = (dataDir: string): string => path.join(dataDir, DISCOVERY_FILE);

export async function readDiscovery(dataDir: string): Promise<DiscoveryRecord | null> {
  try {
    const record = JSON.parse(await fs.readFile(discoveryPath(dataDir), 'utf8')) as DiscoveryRecord;
    return typeof record.pid === 'number' ? record : null;
  } catch {
    return null;
  }
}

export async function writeDiscovery(dataDir: string, record: DiscoveryRecord): Promise<void> {
  const file = discoveryPath(dataDir);
  await fs.writeFile(`${file}.tmp`, JSON.stringify(record, null, 2), { mode: 0o600 });
  await fs.rename(`${file}.tmp`, file);
}

export async function removeDiscovery(dataDir: string, pid: number): Promise<void> {
  const record = await readDiscovery(dataDir);
  if (record?.pid === pid) await fs.rm(discoveryPath(dataDir), { force: true });
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when something accepts TCP connections at the URL's host and port. */
export function reachable(url: string, timeoutMs = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(url.replace(/^(esdb|mongodb)(\+\w+)?:/, 'tcp:'));
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
