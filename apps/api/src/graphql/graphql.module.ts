import { Module } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { type AuthUser, AuthenticationRequired, TokenService } from '@shop/auth';
import { ChangeBus } from '@shop/live';
import { AppConfig } from '@shop/config';
import { AGGREGATE_RESOLVER, InspectionService } from '@shop/inspection';
import { deciderForStream } from '@shop/workers';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type DocumentNode, GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import { ReadConsistency } from '../http/read-consistency';
import { formatGraphqlError, graphqlErrorFormatter } from './graphql-errors';
import { GraphqlAuthGuard } from './graphql-auth.guard';
import { type GraphqlContext } from './graphql-context';
import { GRAPHQL_PATH, GraphqlHttpGate } from './graphql-http-gate';
import { acceptConnection, releaseConnection, type SubscriptionContext } from './graphql-subscriptions';
import { GraphqlRateLimit } from './graphql-rate-limit';
import { GraphqlTelemetry, type OperationTelemetry } from './graphql-telemetry';
import { createLoaders } from './loaders';
import { assertWithinLimits, operationShape, type QueryLimits } from './query-limits';
import { GRAPHQL_RESOLVERS } from './resolvers';

/** At most this many aliased fields per operation (aliases repeat a field's work under another name). */
export const MAX_ALIASES = 20;

type HookContext = GraphqlContext & { telemetry?: OperationTelemetry };

const operationNameOf = (request: FastifyRequest): string | undefined => {
  const source = (request.method === 'GET' ? request.query : request.body) as
    { operationName?: unknown } | undefined;
  return typeof source?.operationName === 'string' ? source.operationName : undefined;
};

const codeOf = (error: unknown, fallback: string): string => {
  const code = (error as GraphQLError | undefined)?.extensions?.code;
  return typeof code === 'string' ? code : fallback;
};

/** A subscription's refusal as the client will see it (mercurius' WebSocket path skips errorFormatter). */
const asClientError = (error: unknown): GraphQLError => {
  const original = error instanceof Error ? error : new Error(String(error));
  return formatGraphqlError(new GraphQLError(original.message, { originalError: original }), undefined).error;
};

const errorCodes = (errors: readonly GraphQLError[] | undefined): string[] =>
  (errors ?? []).map((e) => codeOf(e, 'ERROR'));

function graphqlOptions(
  config: AppConfig,
  queries: QueryBus,
  inspection: InspectionService,
  tokens: TokenService,
  bus: ChangeBus,
  rateLimit: GraphqlRateLimit,
  telemetry: GraphqlTelemetry,
): MercuriusDriverConfig {
  const { ide, maxDepth, maxCost } = config.graphql;
  const limits: QueryLimits = { maxDepth, maxCost, maxAliases: MAX_ALIASES };
  return {
    driver: MercuriusDriver,
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    graphiql: ide,
    // One operation per request: a JSON array of operations is refused (batches would multiply every limit).
    allowBatchedQueries: false,
    // A document seen once more is compiled to JavaScript (graphql-jit): repeated operations skip the generic
    // executor's per-field work.
    jit: 1,
    validationRules: ide ? [] : [NoSchemaIntrospectionCustomRule],
    errorFormatter: graphqlErrorFormatter,
    context: (request: FastifyRequest, reply: FastifyReply): Promise<Omit<GraphqlContext, 'req'>> => {
      // Verified by GraphqlHttpGate before mercurius saw the request (no request gets here without one).
      const user = (request as FastifyRequest & { user?: AuthUser }).user;
      const authError = user ? undefined : new AuthenticationRequired('A bearer token is required');
      return Promise.resolve({ reply, user, authError, loaders: createLoaders(queries, inspection) });
    },
    subscription: {
      // connection_init carries the token; the socket is kept to close it with a reason (token expiry).
      context: (socket: SubscriptionContext['socket']) => ({
        socket,
        loaders: createLoaders(queries, inspection),
      }),
      onConnect: ({ payload }: { payload: unknown }) => acceptConnection(tokens, bus, payload),
      onDisconnect: (context: unknown) => releaseConnection(context as SubscriptionContext),
      keepAlive: config.live.heartbeatMs,
    },
    hooks: {
      // The same limits for subscriptions (their variables are not known here: list sizes take defaults), and
      // each subscribe is charged to the per-user rate limit: subscribe messages never pass preExecution.
      preSubscriptionExecution: async (_schema, document: DocumentNode, context) => {
        const ctx = context as unknown as SubscriptionContext;
        const shape = operationShape(document, undefined);
        if (!shape) return;
        try {
          assertWithinLimits(shape, limits);
          // Without a user the resolver's guard refuses it (UNAUTHENTICATED); nothing to charge.
          if (ctx.user) await rateLimit.take(ctx.user, shape.cost);
        } catch (error) {
          telemetry.refused(shape.operation.operation, codeOf(error, 'RATE_LIMITED'));
          throw asClientError(error);
        }
      },
      // Runs for every request (validation results are cached per document, this is not).
      preExecution: async (_schema, document: DocumentNode, context, variables) => {
        const ctx = context as unknown as HookContext;
        if (!ctx.user) {
          telemetry.refused('unknown', 'UNAUTHENTICATED');
          throw ctx.authError ?? new Error('unauthenticated');
        }
        const shape = operationShape(
          document,
          operationNameOf(ctx.req),
          variables as Record<string, unknown>,
        );
        if (!shape) return;
        try {
          assertWithinLimits(shape, limits);
          await rateLimit.take(ctx.user, shape.cost, ctx.reply);
        } catch (error) {
          telemetry.refused(shape.operation.operation, codeOf(error, 'RATE_LIMITED'));
          throw error;
        }
        ctx.telemetry = telemetry.start(ctx.req, shape);
      },
      onResolution: (execution, context) => {
        const ctx = context as unknown as HookContext;
        if (ctx.telemetry) telemetry.finish(ctx.telemetry, errorCodes(execution.errors));
        return Promise.resolve();
      },
    },
  };
}

/** What the options factory needs (the GraphQL module's own providers cannot be injected into it). */
@Module({
  providers: [
    GraphqlRateLimit,
    GraphqlTelemetry,
    { provide: AGGREGATE_RESOLVER, useValue: deciderForStream },
    InspectionService,
  ],
  exports: [GraphqlRateLimit, GraphqlTelemetry, InspectionService],
})
export class GraphqlSupportModule {}

/** The GraphQL API at /graphql (mercurius on the app's Fastify), over the same buses as REST. */
@Module({
  imports: [
    GraphqlSupportModule,
    GraphQLModule.forRootAsync<MercuriusDriverConfig>({
      driver: MercuriusDriver,
      imports: [GraphqlSupportModule],
      inject: [
        AppConfig,
        QueryBus,
        InspectionService,
        TokenService,
        ChangeBus,
        GraphqlRateLimit,
        GraphqlTelemetry,
      ],
      useFactory: graphqlOptions,
    }),
  ],
  providers: [...GRAPHQL_RESOLVERS, GraphqlAuthGuard, GraphqlHttpGate, ReadConsistency],
})
export class GraphqlModule {}
