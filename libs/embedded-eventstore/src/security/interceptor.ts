import type { ServerInterceptingCallInterface, ServerInterceptor } from '@grpc/grpc-js';
import { ServerInterceptingCall, status } from '@grpc/grpc-js';
import { RpcError } from '../protocol/rpc-errors';
import type { EventStore } from '../store/event-store';
import { allowed } from './acl';
import { ruleFor, type StreamTarget } from './call-rules';
import { defaultAclsOf } from './settings';
import type { Principal, UserRegistry } from './users';

/** The real server's answer when the caller lacks rights: the client raises AccessDeniedError. */
export const accessDenied = (): RpcError =>
  new RpcError(status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' });

/** Credentials that do not authenticate (the real node answers 401 before any handler runs). */
export const notAuthenticated = (): RpcError =>
  new RpcError(status.UNAUTHENTICATED, 'Bad authentication credentials.');

/**
 * Authentication and authorization in front of every handler, so handlers stay unaware of security:
 * the credentials are checked on the call's metadata, the stream rights on each request message that
 * names streams (the first Append message, every BatchAppend options message, every AppendSession
 * request, each stream an AppendRecords request writes) before it reaches the handler. A refused call ends with the real server's status and never reaches the handler.
 */
export const securityInterceptor =
  (users: UserRegistry, store: EventStore): ServerInterceptor =>
  (method, call: ServerInterceptingCallInterface) => {
    const rule = ruleFor(method.path);
    let principal: Principal | undefined;
    let refused = false;
    const refuse = (error: RpcError): void => {
      refused = true;
      call.sendStatus({ code: error.code, details: error.details, metadata: error.metadata });
    };
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, forward) => {
            const header = metadata.get('authorization')[0];
            const result = users.authenticate(typeof header === 'string' ? header : header?.toString());
            if (result === null) return refuse(notAuthenticated());
            principal = result;
            // Nothing but the discovery probes is reachable without credentials.
            if (rule.kind !== 'public' && !principal) return refuse(accessDenied());
            if (rule.kind === 'groups' && !principal?.groups.some((group) => rule.groups?.includes(group)))
              return refuse(accessDenied());
            forward(metadata);
          },
          onReceiveMessage: (message: unknown, forward) => {
            if (refused) return;
            const found = rule.kind === 'stream' ? rule.target?.(message) : null;
            const targets = found ? ([] as StreamTarget[]).concat(found) : [];
            const denied = targets.some(
              (target) =>
                !allowed(
                  principal,
                  target.stream,
                  target.operation,
                  store.metadataOf(target.stream).raw['$acl'],
                  defaultAclsOf(store),
                ),
            );
            if (denied) return refuse(accessDenied());
            forward(message);
          },
          onReceiveHalfClose: (forward) => {
            if (!refused) forward();
          },
        }),
    });
  };
