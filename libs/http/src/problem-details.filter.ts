import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problem';
import { toProblem } from './problem-mapping';

/** Sends the problem for `error`; unexpected errors are logged (with the request id), never shown. */
export function sendProblem(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Logger = new Logger('Http'),
): void {
  const { problem, headers, unexpected } = toProblem(error);
  if (unexpected) {
    logger.error(
      { err: error, requestId: request.id, method: request.method, url: request.routeOptions?.url },
      `Unhandled error on ${request.method} ${request.routeOptions?.url ?? 'unmatched route'}`,
    );
  }
  if (reply.sent) return;
  void reply
    .status(problem.status)
    .headers(headers)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...problem, instance: request.url.split('?')[0], requestId: String(request.id) });
}

/** The one exception filter of the app: everything thrown becomes RFC 9457 problem+json. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    sendProblem(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.logger);
  }
}
