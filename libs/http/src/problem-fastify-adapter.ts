import { FastifyAdapter } from '@nestjs/platform-fastify';
import { type FastifyServerOptions } from 'fastify';
import { sendProblem } from './problem-details.filter';

/**
 * The Fastify adapter with the app's problem+json error handler installed once, at construction. It answers
 * the errors raised before a route's handler runs (content-type parsing 415, body limit 413, malformed JSON
 * 400). Fastify binds a route's error handler when the route is set up, which with plugins loading meanwhile
 * (mercurius) can come before Nest installs its own exception-layer handler; so Nest's call is not passed on:
 * its handler maps through the same ProblemDetailsFilter (sendProblem) anyway, and a second one would only
 * replace this with Fastify's override warning.
 */
export class ProblemFastifyAdapter extends FastifyAdapter {
  constructor(options: FastifyServerOptions) {
    super(options);
    this.getInstance().setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
  }

  override setErrorHandler(): ReturnType<FastifyAdapter['setErrorHandler']> {
    // Installed in the constructor; see the class comment.
    return this.getInstance();
  }
}
