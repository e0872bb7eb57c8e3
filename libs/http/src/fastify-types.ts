declare module 'fastify' {
  interface FastifyRequest {
    /** Set by configureHttp's onRequest hook (X-Correlation-Id or the request id). */
    correlationId: string;
  }
}

export {};
