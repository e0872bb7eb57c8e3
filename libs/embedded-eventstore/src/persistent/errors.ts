import { status } from '@grpc/grpc-js';
import { RpcError } from '../protocol/rpc-errors';

export const groupExists = (stream: string, group: string): RpcError =>
  new RpcError(status.ALREADY_EXISTS, `Subscription group ${group} on stream ${stream} already exists.`, {
    exception: 'persistent-subscription-exists',
    'stream-name': stream,
    'group-name': group,
  });

export const groupNotFound = (stream: string, group: string): RpcError =>
  new RpcError(status.NOT_FOUND, `Subscription group ${group} on stream ${stream} does not exist.`, {
    exception: 'persistent-subscription-does-not-exist',
    'stream-name': stream,
    'group-name': group,
  });

export const maximumSubscribersReached = (stream: string, group: string): RpcError =>
  new RpcError(status.FAILED_PRECONDITION, `Maximum subscriptions reached for ${group} on ${stream}.`, {
    exception: 'maximum-subscribers-reached',
    'stream-name': stream,
    'group-name': group,
  });

export const groupDropped = (stream: string, group: string, reason: string): RpcError =>
  new RpcError(status.CANCELLED, `Subscription group ${group} on stream ${stream} dropped: ${reason}`, {
    exception: 'persistent-subscription-dropped',
    'stream-name': stream,
    'group-name': group,
  });
