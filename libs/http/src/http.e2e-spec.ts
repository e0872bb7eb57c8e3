import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { assertOwnerOrRole, type AuthUser, CurrentUser, Roles } from '@shop/auth';
import {
  ConcurrencyError,
  type MessageContext,
  NotFoundError,
  RuleViolatedError,
  UnavailableError,
} from '@shop/event-sourcing';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { RequestContext } from './request-context.decorator';
import { createHttpTestApp } from './testing/http-test-app';

class Inner {
  @IsString() @MaxLength(50) label!: string;
  @IsOptional() @ValidateNested() @Type(() => Inner) inner?: Inner;
}

class CreateThing {
  @IsString() @MaxLength(100) name!: string;
  @IsInt() quantity!: number;
  @IsOptional() @ValidateNested() @Type(() => Inner) inner?: Inner;
}

@Controller('things')
class ThingsController {
  @Post()
  @Roles('clerk', 'admin')
  create(@Body() body: CreateThing, @RequestContext() context: MessageContext) {
    return { body, context };
  }

  @Get('slow')
  slow(): Promise<never> {
    return new Promise(() => undefined);
  }

  @Get('boom')
  boom(): never {
    throw new Error('connect ECONNREFUSED mongodb://admin:hunter2@db:27017');
  }

  @Get('fail/:kind')
  fail(@Param('kind') kind: string): never {
    if (kind === 'not_found') throw new NotFoundError('thing_not_found', 'No such thing', { id: 'x' });
    if (kind === 'rule') throw new RuleViolatedError('thing_closed', 'The thing is closed');
    if (kind === 'concurrency') throw new ConcurrencyError('revision_mismatch', 'Stale revision');
    throw new UnavailableError('store_unavailable', 'Try later', { retryAfterSeconds: 2 });
  }

  @Get('customers/:id')
  customer(@Param('id') id: string, @CurrentUser() user: AuthUser) {
    assertOwnerOrRole(user, id);
    return { id };
  }
}

const PROBLEM = 'application/problem+json';

describe('HTTP conventions (problem+json, validation, ids, limits, headers)', () => {
  let app: NestFastifyApplication;
  let clerk: Record<string, string>;

  beforeAll(async () => {
    const created = await createHttpTestApp([ThingsController], {
      requestTimeoutMs: 300,
      bodyLimitBytes: 32_768,
      corsOrigins: 'https://shop.example',
      perUser: 3,
      perIp: 1_000,
    });
    app = created.app;
    clerk = { authorization: `Bearer ${await created.token('clerk', 'clerk-1')}` };
    // Each request below uses its own client address: the rate limits are tested on their own.
    let n = 0;
    const inject = app.inject.bind(app);
    app.inject = ((opts: object) =>
      inject({ remoteAddress: `10.0.0.${++n % 250}`, ...opts })) as typeof app.inject;
    tokenFor = created.token;
  });

  let tokenFor: (role: 'customer' | 'clerk', sub: string) => Promise<string>;
  afterAll(() => app.close());

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/things',
      headers: { ...clerk, 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  let sub = 0;
  const freshClerk = async () => ({ authorization: `Bearer ${await tokenFor('clerk', `clerk-${++sub}`)}` });

  it.each([
    ['an operator object where a string is expected', { name: { $gt: '' }, quantity: 1 }, 'name'],
    ['$where', { name: 'a', quantity: 1, $where: 'sleep(1000)' }, '$where'],
    ['an array where a string is expected', { name: ['a'], quantity: 1 }, 'name'],
    ['a string where a number is expected', { name: 'a', quantity: '1' }, 'quantity'],
    ['an object where a number is expected', { name: 'a', quantity: { $ne: 0 } }, 'quantity'],
    ['an unknown field', { name: 'a', quantity: 1, admin: true }, 'admin'],
    ['a dotted key', { name: 'a', quantity: 1, 'inner.label': 'x' }, 'inner.label'],
    ['a huge string', { name: 'x'.repeat(20_000), quantity: 1 }, 'name'],
    ['a string over its maximum', { name: 'x'.repeat(101), quantity: 1 }, 'name'],
  ])('rejects %s with 400 problem+json', async (_case, payload, field) => {
    const res = await post(payload, await freshClerk());
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain(PROBLEM);
    const problem = res.json<{ code: string; errors: { field: string }[] }>();
    expect(problem).toMatchObject({ status: 400, code: 'validation_failed', title: 'Bad Request' });
    expect(problem.errors.some((e) => e.field === field || e.field.startsWith(`${field}.`))).toBe(true);
  });

  it('rejects deep nesting and prototype keys with 400', async () => {
    let deep: Record<string, unknown> = { label: 'x' };
    for (let i = 0; i < 40; i++) deep = { label: 'x', inner: deep };
    expect((await post({ name: 'a', quantity: 1, inner: deep }, await freshClerk())).statusCode).toBe(400);
    const proto = await post('{"name":"a","quantity":1,"__proto__":{"admin":true}}', await freshClerk());
    expect(proto.statusCode).toBe(400);
    expect(proto.headers['content-type']).toContain(PROBLEM);
  });

  it('accepts a valid body and converts nothing implicitly', async () => {
    const res = await post({ name: 'a', quantity: 2, inner: { label: 'b' } }, await freshClerk());
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ body: { name: 'a', quantity: 2, inner: { label: 'b' } } });
  });

  it('413 for a body over the limit and 400 for malformed JSON, as problems', async () => {
    const big = await post({ name: 'a', quantity: 1, pad: 'x'.repeat(40_000) }, await freshClerk());
    expect(big.statusCode).toBe(413);
    expect(big.headers['content-type']).toContain(PROBLEM);
    expect(big.json()).toMatchObject({ code: 'payload_too_large' });
    const bad = await post('{"name": ', await freshClerk());
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain(PROBLEM);
  });

  it('gives handlers the MessageContext: correlation, causation = request id, user, traceparent', async () => {
    const res = await post(
      { name: 'a', quantity: 1 },
      {
        ...(await freshClerk()),
        'x-request-id': 'req-12345678',
        'x-correlation-id': 'corr-12345678',
      },
    );
    expect(res.headers['x-request-id']).toBe('req-12345678');
    expect(res.headers['x-correlation-id']).toBe('corr-12345678');
    expect(res.json<{ context: MessageContext }>().context).toEqual({
      correlationId: 'corr-12345678',
      causationId: 'req-12345678',
      userId: `clerk-${sub}`,
      traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/),
    });
  });

  it('replaces malformed ids and starts a correlation with the request id', async () => {
    const res = await post(
      { name: 'a', quantity: 1 },
      { ...(await freshClerk()), 'x-request-id': 'bad id\r\n' },
    );
    const requestId = res.headers['x-request-id'] as string;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-correlation-id']).toBe(requestId);
  });

  it.each([
    ['not_found', 404, 'thing_not_found'],
    ['rule', 409, 'thing_closed'],
    ['concurrency', 412, 'revision_mismatch'],
    ['unavailable', 503, 'store_unavailable'],
  ])('maps a %s domain error to %i with its code', async (kind, status, code) => {
    const res = await app.inject({ url: `/things/fail/${kind}`, headers: await freshClerk() });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toContain(PROBLEM);
    expect(res.json()).toMatchObject({
      status,
      code,
      type: expect.stringContaining(code),
      instance: `/things/fail/${kind}`,
    });
    if (status === 503) expect(res.headers['retry-after']).toBe('2');
  });

  it('500 without internals', async () => {
    const res = await app.inject({ url: '/things/boom', headers: await freshClerk() });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'internal_error', requestId: res.headers['x-request-id'] });
    expect(res.body).not.toMatch(/hunter2|ECONNREFUSED|mongodb|at /);
  });

  it('503 problem when a handler is slower than the request timeout', async () => {
    const res = await app.inject({ url: '/things/slow', headers: await freshClerk() });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'request_timeout' });
  });

  it('404 problem for an unknown route', async () => {
    const res = await app.inject({ url: '/nope', headers: await freshClerk() });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain(PROBLEM);
  });

  it("403 problem for another customer's data", async () => {
    const alice = { authorization: `Bearer ${await tokenFor('customer', 'alice')}` };
    expect((await app.inject({ url: '/things/customers/alice', headers: alice })).statusCode).toBe(200);
    const res = await app.inject({ url: '/things/customers/bob', headers: alice });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'forbidden' });
  });

  it('sets helmet headers and CORS only for configured origins', async () => {
    const allowed = await app.inject({
      url: '/things/customers/x',
      headers: { origin: 'https://shop.example' },
    });
    expect(allowed.headers['x-content-type-options']).toBe('nosniff');
    // Plain HTTP: HSTS would be meaningless and upgrade-insecure-requests blanks /docs on non-local hosts.
    expect(allowed.headers['strict-transport-security']).toBeUndefined();
    expect(allowed.headers['content-security-policy']).toContain("default-src 'self'");
    expect(allowed.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example');
    const other = await app.inject({
      url: '/things/customers/x',
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('rate limiting', () => {
  let app: NestFastifyApplication;
  let token: (role: 'clerk', sub: string) => Promise<string>;

  beforeAll(async () => {
    ({ app, token } = await createHttpTestApp([ThingsController], { perUser: 3, perIp: 5 }));
  });
  afterAll(() => app.close());

  const get = async (sub: string, remoteAddress: string) =>
    app.inject({
      url: `/things/customers/${sub}`,
      remoteAddress,
      headers: { authorization: `Bearer ${await token('clerk', sub)}` },
    });

  it('429 with Retry-After per user, counted in a metric', async () => {
    for (let i = 0; i < 3; i++) expect((await get('busy-user', `10.1.0.${i}`)).statusCode).toBe(200);
    const res = await get('busy-user', '10.1.0.99');
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers['content-type']).toContain(PROBLEM);
    expect(res.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    // another user is not affected
    expect((await get('calm-user', '10.1.0.100')).statusCode).toBe(200);

    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/shop_rate_limit_rejections_total\{limit="user"\} 1/);
  });

  it('one budget per user across all routes', async () => {
    const auth = { authorization: `Bearer ${await token('clerk', 'roaming-user')}` };
    const routes = ['/things/customers/roaming-user', '/things/fail/not_found', '/things/fail/rule'];
    for (const [i, url] of routes.entries()) {
      const res = await app.inject({ url, remoteAddress: `10.3.0.${i}`, headers: auth });
      expect(res.statusCode).not.toBe(429);
    }
    const res = await app.inject({
      url: '/things/fail/concurrency',
      remoteAddress: '10.3.0.9',
      headers: auth,
    });
    expect(res.statusCode).toBe(429);
  });

  it('429 per IP across users', async () => {
    for (let i = 0; i < 5; i++) expect((await get(`ip-user-${i}`, '10.2.0.1')).statusCode).toBe(200);
    const res = await get('ip-user-9', '10.2.0.1');
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/shop_rate_limit_rejections_total\{limit="ip"\} 1/);
  });
  it('counts requests without a token per IP before authentication turns them away', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await app.inject({ url: '/things/customers/x', remoteAddress: '10.4.0.1' })).statusCode).toBe(
        401,
      );
    }
    const res = await app.inject({ url: '/things/customers/x', remoteAddress: '10.4.0.1' });
    expect(res.statusCode).toBe(429);
  });

  it('never limits /metrics, whatever the address', async () => {
    for (let i = 0; i < 12; i++) {
      expect((await app.inject({ url: '/metrics', remoteAddress: '10.5.0.1' })).statusCode).not.toBe(429);
    }
  });
});
