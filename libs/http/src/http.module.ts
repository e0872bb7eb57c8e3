import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GracefulShutdown } from './graceful-shutdown';
import { ProblemDetailsFilter } from './problem-details.filter';
import { RequestValidationPipe } from './request-validation';

/**
 * The HTTP conventions of the API as global providers: the one problem+json exception filter, the
 * validation pipe and the shutdown order. (Server-level settings and the handler timeout live in
 * configureHttp.)
 */
@Module({
  providers: [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_PIPE, useFactory: () => new RequestValidationPipe() },
    GracefulShutdown,
  ],
})
export class ApiHttpModule {}
