import { UnavailableError } from '@shop/event-sourcing';
import { type FastifyInstance } from 'fastify';
import { sendProblem } from './problem-details.filter';

const TIMER = Symbol('request.timeout');
type WithTimer = { [TIMER]?: NodeJS.Timeout };

/**
 * A handler that has not answered within the limit gets a 503 problem instead of holding the connection:
 * the client may retry (with its Idempotency-Key, a command that did complete is not applied twice). A Fastify
 * hook pair (a timer from the pre-handler stage until the reply is sent) rather than an rxjs interceptor
 * around every handler; whatever the handler answers later is dropped (the reply has been sent).
 */
export function installRequestTimeout(fastify: FastifyInstance, timeoutMs: number): void {
  fastify.addHook('preHandler', (request, reply, done) => {
    (request as WithTimer)[TIMER] = setTimeout(() => {
      if (reply.sent) return;
      sendProblem(
        new UnavailableError('request_timeout', 'The request took too long; retry later', {
          retryAfterSeconds: 1,
        }),
        request,
        reply,
      );
    }, timeoutMs);
    done();
  });
  const clear = (request: object): void => clearTimeout((request as WithTimer)[TIMER]);
  fastify.addHook('onResponse', (request, _reply, done) => {
    clear(request);
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    clear(request);
    done();
  });
}
