import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GroupRegistry } from '../persistent/registry';
import type { UserRegistry } from '../security/users';
import { SERVER_VERSION } from './server-features';

const json = (res: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

/**
 * The part of the real node's HTTP API that operators' tools and client 6.2.1's fallbacks call, on the
 * gRPC port. Answers as 24.10 does: /ping, /info, /health/live (204, `?liveCode=`), and
 * the persistent-subscription commands the client sends over HTTP when a method is not advertised.
 */
export const httpApi =
  (deps: { groups: GroupRegistry; isStopping: () => boolean; users?: UserRegistry }) =>
  (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://node');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    req.resume(); // bodies (e.g. the client's empty JSON on POST) are not needed
    if (path === '/health/live') {
      if (method !== 'GET' && method !== 'HEAD') return void res.writeHead(405).end();
      const code = Number(url.searchParams.get('liveCode'));
      return void res
        .writeHead(deps.isStopping() ? 503 : Number.isInteger(code) && code >= 100 ? code : 204)
        .end();
    }
    if (method === 'GET' && path === '/ping')
      return json(res, 200, { text: 'Ping request successfully handled' });
    if (method === 'GET' && path === '/info') {
      return json(res, 200, {
        esVersion: SERVER_VERSION,
        state: deps.isStopping() ? 'shuttingdown' : 'leader',
        features: { projections: false, userManagement: false, atomPub: false },
        authentication: { type: deps.users ? 'internal' : 'insecure', properties: {} },
      });
    }
    // Secure mode: the probes above are anonymous, the operations below need an $admins or $ops account.
    if (deps.users && method === 'POST') {
      const principal = deps.users.authenticate(req.headers.authorization);
      if (!principal) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="ES"' }).end();
      if (!principal.groups.some((group) => group === '$admins' || group === '$ops'))
        return void res.writeHead(403).end();
    }
    if (method === 'POST' && path === '/subscriptions/restart') {
      deps.groups.restart();
      return void res.writeHead(204).end();
    }
    const replay = /^\/subscriptions\/([^/]+)\/([^/]+)\/replayParked$/.exec(path);
    if (method === 'POST' && replay) {
      const stream = decodeURIComponent(replay[1]!);
      const source = stream === '$all' ? { kind: 'all' as const } : { kind: 'stream' as const, stream };
      try {
        const group = deps.groups.get(source, decodeURIComponent(replay[2]!));
        const stopAt = url.searchParams.get('stopAt');
        group.replayParked(stopAt === null ? undefined : Number(stopAt));
      } catch {
        return void res.writeHead(404).end();
      }
      return json(res, 200, { correlationId: '', reason: '', result: 'Success' });
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`Not found: ${method} ${path}`);
  };
