import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { UnavailableError } from '@shop/event-sourcing';
import { type Observable, throwError, timeout } from 'rxjs';

export const REQUEST_TIMEOUT_MS = Symbol('REQUEST_TIMEOUT_MS');

/**
 * A handler that has not answered within the limit gets a 503 problem instead of holding the connection:
 * the client may retry (with its Idempotency-Key, a command that did complete is not applied twice).
 */
@Injectable()
export class RequestTimeoutInterceptor implements NestInterceptor {
  constructor(@Inject(REQUEST_TIMEOUT_MS) private readonly timeoutMs: number) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    return next.handle().pipe(
      timeout({
        first: this.timeoutMs,
        with: () =>
          throwError(
            () =>
              new UnavailableError('request_timeout', 'The request took too long; retry later', {
                retryAfterSeconds: 1,
              }),
          ),
      }),
    );
  }
}
