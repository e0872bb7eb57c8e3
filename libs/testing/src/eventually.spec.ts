import { eventually } from './eventually';
import { freePort } from './free-port';

describe('eventually', () => {
  it('returns the first value that is neither undefined nor false', async () => {
    let calls = 0;
    const value = await eventually(() => (++calls < 3 ? undefined : { calls }), { intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
  });

  it('treats false as "not yet" and true as done', async () => {
    let calls = 0;
    await expect(eventually(() => Promise.resolve(++calls === 2), { intervalMs: 1 })).resolves.toBe(true);
  });

  it('returns falsy values other than false and undefined (0, "")', async () => {
    await expect(eventually(() => 0)).resolves.toBe(0);
    await expect(eventually(() => '')).resolves.toBe('');
  });

  it('fails after the deadline', async () => {
    await expect(eventually(() => false, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(
      'condition not met within 20 ms',
    );
  });

  it('propagates a probe that throws', async () => {
    await expect(
      eventually(() => {
        throw new Error('broken probe');
      }),
    ).rejects.toThrow('broken probe');
  });
});

describe('freePort', () => {
  it('gives a port that can be listened on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const net = await import('node:net');
    const server = net.createServer().listen(port, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    await new Promise((resolve) => server.close(resolve));
  });
});
