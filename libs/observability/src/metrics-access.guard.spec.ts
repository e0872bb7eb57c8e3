import { type ExecutionContext, ForbiddenException } from '@nestjs/common';
import { type AppConfig } from '@shop/config';
import { MetricsAccessGuard } from './metrics-access.guard';

const context = (remoteAddress: string, authorization?: string): ExecutionContext =>
  ({
    switchToHttp: () => ({
      getRequest: () => ({
        headers: authorization ? { authorization } : {},
        raw: { socket: { remoteAddress } },
      }),
    }),
  }) as unknown as ExecutionContext;

const guard = (token: string | undefined, allowLoopback = true) =>
  new MetricsAccessGuard({ metrics: { token, allowLoopback } } as AppConfig);

describe('MetricsAccessGuard', () => {
  it('with a token: only that bearer token, from anywhere (loopback alone is not enough)', () => {
    const g = guard('metrics-token-0123456789');
    expect(g.canActivate(context('10.0.0.1', 'Bearer metrics-token-0123456789'))).toBe(true);
    expect(() => g.canActivate(context('10.0.0.1', 'Bearer wrong-token'))).toThrow(ForbiddenException);
    expect(() => g.canActivate(context('127.0.0.1'))).toThrow(ForbiddenException);
  });

  it('without a token: loopback only, unless disabled', () => {
    expect(guard(undefined).canActivate(context('127.0.0.1'))).toBe(true);
    expect(guard(undefined).canActivate(context('::1'))).toBe(true);
    expect(guard(undefined).canActivate(context('::ffff:127.0.0.1'))).toBe(true);
    expect(() => guard(undefined).canActivate(context('192.168.1.2'))).toThrow(ForbiddenException);
    expect(() => guard(undefined, false).canActivate(context('127.0.0.1'))).toThrow(ForbiddenException);
  });
});
