import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedEvent } from '@eventstore/db-client';
import { collect, startHarness, tempDir } from '../testing/harness';

interface Ack {
  stream: string;
  lastRevision: bigint;
  position: bigint;
  ids: string[];
}

const repoRoot = join(__dirname, '../../../..');
const childScript = join(__dirname, '../testing/crash-child.ts');

/** Runs the child until it has acknowledged `killAfter` appends, then SIGKILLs it mid-flight. */
const runChildUntilKilled = (dataDir: string, killAfter: number): Promise<Ack[]> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', childScript, dataDir, '4'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks: Ack[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const [tag, stream, revision, position, ids] = line.split(' ');
        if (tag !== 'ACK') continue;
        acks.push({
          stream: stream!,
          lastRevision: BigInt(revision!),
          position: BigInt(position!),
          ids: ids!.split(','),
        });
        if (acks.length === killAfter) child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acks);
      else reject(new Error(`crash child exited with ${code}: ${stderr}`));
    });
  });

describe('crash safety', () => {
  it('keeps every acknowledged append across repeated SIGKILLs, with contiguous revisions and a stable $all', async () => {
    const dataDir = await tempDir();
    const acked: Ack[] = [];
    let previousAll: string[] = [];
    try {
      for (let cycle = 0; cycle < 4; cycle++) {
        acked.push(...(await runChildUntilKilled(dataDir, 50 + Math.floor(Math.random() * 250))));
        if (cycle % 2 === 1) {
          // SIGKILL rarely tears a write on its own; simulate the torn, never-acknowledged tail a power cut leaves.
          const segments = (await readdir(dataDir)).filter((f) => f.startsWith('segment-')).sort();
          await appendFile(
            join(dataDir, segments[segments.length - 1]!),
            randomBytes(1 + Math.floor(Math.random() * 300)),
          );
        }
        const h = await startHarness({ dataDir });
        try {
          const all = await collect(h.client.readAll());
          const ids = all.map((e) => e.event!.id);
          // Whatever was readable before the last crash is still there, in the same order.
          expect(ids.slice(0, previousAll.length)).toEqual(previousAll);
          previousAll = ids;
          const byId = new Map<string, ResolvedEvent>(all.map((e) => [e.event!.id, e]));
          for (const ack of acked) {
            const last = byId.get(ack.ids[ack.ids.length - 1]!);
            expect(last?.event?.revision).toBe(ack.lastRevision);
            expect(last?.event?.position?.commit).toBe(ack.position);
            ack.ids.forEach((id, i) => {
              expect(byId.get(id)?.event?.revision).toBe(ack.lastRevision - BigInt(ack.ids.length - 1 - i));
            });
          }
          for (let w = 0; w < 4; w++) {
            const revisions = (await collect(h.client.readStream(`crash-${w}`))).map(
              (e) => e.event!.revision,
            );
            expect(revisions).toEqual(revisions.map((_, i) => BigInt(i)));
          }
        } finally {
          await h.dispose();
        }
      }
      expect(acked.length).toBeGreaterThan(200);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
