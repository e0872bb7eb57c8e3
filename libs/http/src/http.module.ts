import { Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AppConfig } from '@shop/config';
import { GracefulShutdown } from './graceful-shutdown';
import { ProblemDetailsFilter } from './problem-details.filter';
import { RequestTimeoutInterceptor, REQUEST_TIMEOUT_MS } from './request-timeout.interceptor';
import { RequestValidationPipe } from './request-validation';

/**
 * The HTTP conventions of the API as global providers: the one problem+json exception filter, the
 * validation pipe, the handler timeout and the
 * shutdown order. (Server-level settings live in configureHttp.)
 */
@Module({
  providers: [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_PIPE, useFactory: () => new RequestValidationPipe() },
    {
      provide: REQUEST_TIMEOUT_MS,
      inject: [AppConfig],
      useFactory: (c: AppConfig) => c.http.requestTimeoutMs,
    },
    { provide: APP_INTERCEPTOR, useClass: RequestTimeoutInterceptor },
    GracefulShutdown,
  ],
})
export class ApiHttpModule {}
