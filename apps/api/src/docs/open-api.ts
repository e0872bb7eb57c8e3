import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { documentProblems } from './problem-responses';

/**
 * The OpenAPI document behind /docs. Every operation requires the bearer token unless it is public, so
 * Swagger UI's Authorize sends it with Try-it-out.
 */
export function setUpApiDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Event-sourced shop API')
    .setDescription(
      'Commands append events to EventStoreDB; queries read MongoDB views built by projections. ' +
        'Authorize with a bearer token (`npm run -s cli -- auth token --role clerk`), then try any operation.',
    )
    .setVersion('1')
    .addBearerAuth()
    .addSecurityRequirements('bearer')
    .build();
  SwaggerModule.setup('docs', app, () => documentProblems(SwaggerModule.createDocument(app, config)), {
    // No validator badge: it would call an outside service from the operator's browser.
    swaggerOptions: { persistAuthorization: true, validatorUrl: null },
  });
}
