import { spawnSync } from 'node:child_process';
import { currentHolder, type HolderIdentity, provablyDead } from './holder-liveness';

describe('provablyDead', () => {
  const self = currentHolder(['mongodb://127.0.0.1:40001/']);

  /** The pid of a process that has exited. */
  const exitedPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid;

  it('a process on this host whose pid is gone', () => {
    expect(provablyDead({ ...self, pid: exitedPid(), servers: [] }, self)).toBe(true);
  });

  it('a running process on this host is alive', () => {
    expect(provablyDead({ ...self, pid: process.ppid, started: undefined, servers: [] }, self)).toBe(false);
  });

  it('this very pid, but another start (a previous incarnation, as after a container restart)', () => {
    expect(provablyDead({ ...self, started: '1', servers: [] }, self)).toBe(!!self.started);
    expect(provablyDead({ ...self, servers: [] }, self)).toBe(false); // this process itself
  });

  it('a pid now used by a process started later is not the holder', () => {
    if (!self.started) return; // start times come from /proc (Linux)
    const reused: HolderIdentity = { host: self.host, pid: process.ppid, started: '1', servers: [] };
    expect(provablyDead(reused, self)).toBe(true);
  });

  it('servers it published that this process now serves', () => {
    const holder = { host: 'elsewhere', pid: 1, servers: ['mongodb://127.0.0.1:40001/'] };
    expect(provablyDead(holder, self)).toBe(true);
  });

  it('nothing provable about another host, or a lease without a holder record', () => {
    expect(provablyDead({ host: 'elsewhere', pid: exitedPid(), servers: [] }, self)).toBe(false);
    expect(provablyDead(undefined, self)).toBe(false);
  });
});
