import { Writable } from 'node:stream';
import pino from 'pino';
import { loggerOptions } from './logging.module';
import { logRequest } from './request-log';

const capture = () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino(loggerOptions('info', false), sink) };
};

describe('request log lines', () => {
  it('carry request id, correlation id, trace id and user, and never the query string', () => {
    const { lines, logger } = capture();
    logRequest(
      logger,
      {
        id: 'req-1',
        method: 'POST',
        url: '/v1/orders?position=1/1',
        ip: '10.0.0.1',
        correlationId: 'corr-1',
        callerCorrelationId: 'caller-1',
        user: { sub: 'user-1' },
      },
      201,
      3.4,
      'a'.repeat(32),
    );
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'request completed',
        correlationId: 'corr-1',
        callerCorrelationId: 'caller-1',
        traceId: 'a'.repeat(32),
        userId: 'user-1',
        clientIp: '10.0.0.1',
        req: { id: 'req-1', method: 'POST', url: '/v1/orders' },
        res: { statusCode: 201 },
        responseTime: 3,
      }),
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/position=/);
  });

  it('says when a request errored (5xx) or was aborted, and skips probes and scrapes', () => {
    const { lines, logger } = capture();
    const request = { id: 'r', method: 'GET', url: '/v1/products', ip: '::1' };
    logRequest(logger, request, 503, 1, undefined);
    logRequest(logger, request, undefined, 0, undefined, 'aborted');
    logRequest(logger, { ...request, url: '/health/live' }, 200, 1, undefined);
    logRequest(logger, { ...request, url: '/metrics' }, 200, 1, undefined);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [30, 'request errored'],
      [30, 'request aborted'],
    ]);
  });

  it('redacts credentials should a line ever carry headers or a body', () => {
    const { lines, logger } = capture();
    logger.info({ req: { headers: { authorization: 'Bearer secret.jwt.token', cookie: 's=1' }, body: 'x' } });
    expect(JSON.stringify(lines)).not.toMatch(/secret\.jwt\.token|s=1|"x"/);
  });
});
