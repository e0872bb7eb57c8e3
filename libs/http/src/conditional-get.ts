import { type FastifyInstance } from 'fastify';

/** The opaque part of an entity tag: weak and strong tags compare equal for GET (RFC 9110 weak comparison). */
const opaqueTag = (tag: string): string => tag.trim().replace(/^W\//, '');

/** Whether an If-None-Match header names the representation's ETag (or `*`). */
export function noneMatchHits(ifNoneMatch: string, etag: string): boolean {
  const current = opaqueTag(etag);
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || opaqueTag(tag) === current;
  });
}

/**
 * Conditional GETs for every route that sets an ETag: a client that sends back the ETag it holds in
 * If-None-Match gets 304 Not Modified (with the ETag, without a body) while the representation is unchanged.
 * Done once at send time, so each query handler only has to set its ETag.
 */
export function installConditionalGet(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const ifNoneMatch = request.headers['if-none-match'];
    const etag = reply.getHeader('etag');
    const safe = request.method === 'GET' || request.method === 'HEAD';
    if (!safe || reply.statusCode !== 200 || typeof ifNoneMatch !== 'string' || typeof etag !== 'string') {
      done(null, payload);
      return;
    }
    if (!noneMatchHits(ifNoneMatch, etag)) {
      done(null, payload);
      return;
    }
    void reply.code(304);
    reply.removeHeader('content-type');
    reply.removeHeader('content-length');
    done(null, '');
  });
}
