import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { context, trace } from '@opentelemetry/api';
import { Observable } from 'rxjs';
import { requestSpan } from './http-telemetry';

/**
 * Makes the request's server span the active one while the handler runs, so the command, the append and
 * `currentTraceparent()` in handlers are children of it. (The span is started in a Fastify hook, whose async
 * context does not reliably reach the handler once the body has been read from the socket.)
 */
@Injectable()
export class TraceContextInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const span = requestSpan(ctx.switchToHttp().getRequest<object>());
    if (!span) return next.handle();
    const active = trace.setSpan(context.active(), span);
    return new Observable((subscriber) => context.with(active, () => next.handle().subscribe(subscriber)));
  }
}
