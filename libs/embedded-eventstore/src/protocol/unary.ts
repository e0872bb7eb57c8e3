import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { toRpcError } from './rpc-errors';

/** A grpc-js unary handler from a (possibly async) function: its result is the answer, a throw the error. */
export const unary =
  <Req, Resp>(run: (req: Req, call: ServerUnaryCall<Req, Resp>) => Promise<Resp> | Resp) =>
  (call: ServerUnaryCall<Req, Resp>, callback: sendUnaryData<Resp>): void => {
    Promise.resolve()
      .then(() => run(call.request, call))
      .then(
        (resp) => callback(null, resp),
        (error: unknown) => callback(toRpcError(error)),
      );
  };
