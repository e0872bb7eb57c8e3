import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { AppConfig } from '@shop/config';
import { timingSafeEqual } from 'node:crypto';
import { type FastifyRequest } from 'fastify';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * /metrics is outside JWT auth (Prometheus has no user) but not open: its own bearer token (METRICS_TOKEN),
 * or, with no token configured, loopback callers only (METRICS_ALLOW_LOOPBACK).
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const { token, allowLoopback } = this.config.metrics;
    if (token !== undefined) {
      const header = request.headers.authorization ?? '';
      if (header.startsWith('Bearer ') && sameSecret(header.slice(7).trim(), token)) return true;
      throw new ForbiddenException('A valid metrics token is required');
    }
    // The socket's address, never X-Forwarded-For: a proxy on the same host must not open it to the world.
    if (allowLoopback && LOOPBACK.test(request.raw.socket.remoteAddress ?? '')) return true;
    throw new ForbiddenException('Metrics are available from loopback or with the metrics token only');
  }
}

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};
