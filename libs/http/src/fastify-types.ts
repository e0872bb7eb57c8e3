declare module 'fastify' {
  interface FastifyRequest {
    /** The request id until authentication; then a trusted caller's X-Correlation-Id, if it sent one. */
    correlationId: string;
    /** The X-Correlation-Id the caller sent (well-formed), adopted or not. */
    callerCorrelationId: string | undefined;
  }
}

export {};
