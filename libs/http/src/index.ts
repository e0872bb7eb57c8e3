export { installConditionalGet, noneMatchHits } from './conditional-get';
export { configureHttp, fastifyServerOptions } from './configure-http';
export { GracefulShutdown } from './graceful-shutdown';
export { ApiHttpModule } from './http.module';
export { type FieldError, PROBLEM_CONTENT_TYPE, type ProblemDetails, problemType } from './problem';
export { ProblemDetailsFilter, sendProblem } from './problem-details.filter';
export { ProblemFastifyAdapter } from './problem-fastify-adapter';
export { toProblem } from './problem-mapping';
export {
  IpRateLimitGuard,
  RateLimitGuard,
  RateLimitModule,
  SkipRateLimits,
  UserRateLimitModule,
} from './rate-limit';
export { CORRELATION_ID_HEADER, REQUEST_ID_HEADER } from './request-ids';
export { messageContextOf, RequestContext } from './request-context.decorator';
export { installRequestTimeout } from './request-timeout';
export {
  DEFAULT_LIMITS,
  RequestValidationError,
  RequestValidationPipe,
  structuralProblems,
  type StructuralLimits,
} from './request-validation';
