import * as http from 'node:http';
import { type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import { pinoHttpOptions } from './logging.module';

describe('request log lines', () => {
  it('carry request id, correlation id, trace id and user, and never the token, cookies or body', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const log = pinoHttp(pinoHttpOptions('info', false), sink);
    const server = http.createServer((req, res) => {
      // What the Fastify hooks and the JWT guard put on the raw request.
      Object.assign(req, {
        id: 'req-1',
        correlationId: 'corr-1',
        traceId: 'a'.repeat(32),
        user: { sub: 'user-1' },
      });
      log(req, res);
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await fetch(`http://127.0.0.1:${port}/v1/orders?position=1/1`, {
        method: 'POST',
        headers: { authorization: 'Bearer secret.jwt.token', cookie: 'session=s3cr3t' },
        body: JSON.stringify({ password: 'hunter2' }),
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const line = JSON.parse(lines.find((l) => l.includes('request completed')) ?? '{}') as Record<
      string,
      unknown
    >;
    expect(line).toMatchObject({
      correlationId: 'corr-1',
      traceId: 'a'.repeat(32),
      userId: 'user-1',
      req: { id: 'req-1', method: 'POST', url: '/v1/orders' },
    });
    const all = lines.join('\n');
    expect(all).not.toMatch(/secret\.jwt\.token|s3cr3t|hunter2|position=/);
  });
});
