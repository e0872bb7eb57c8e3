import type { ServerDuplexStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import type {
  CreateReq,
  CreateResp,
  DeleteReq,
  DeleteResp,
  GetInfoReq,
  GetInfoResp,
  ListReq,
  ListResp,
  ReadReq,
  ReadResp,
  ReplayParkedReq,
  ReplayParkedResp,
  UpdateReq,
  UpdateResp,
} from '@eventstore/db-client/generated/persistent_pb';
import type { Empty, StreamIdentifier } from '@eventstore/db-client/generated/shared_pb';
import { persistentPb, sharedPb } from '../protocol/generated';
import { streamNameOf, uuidOf } from '../protocol/convert';
import { invalidArgument, toRpcError } from '../protocol/rpc-errors';
import { unary } from '../protocol/unary';
import { Consumer } from './consumer';
import { maximumSubscribersReached } from './errors';
import type { NackAction, PersistentGroup } from './group';
import type { GroupConfig, GroupSource } from './group-config';
import { allStartOf, filterOf, settingsOf, sourceName, streamStartOf } from './group-config';
import type { GroupRegistry } from './registry';
import { subscriptionInfo } from './subscription-info';

const groupNameOf = (name: string): string => {
  if (!name) throw invalidArgument('Group name must not be empty.');
  return name;
};

/** Options name the source either as a stream identifier or as `all`. */
const sourceOf = (options: {
  hasAll(): boolean;
  getStreamIdentifier(): StreamIdentifier | undefined;
}): GroupSource =>
  options.hasAll()
    ? { kind: 'all' }
    : { kind: 'stream', stream: streamNameOf(options.getStreamIdentifier()) };

const configOf = (options: CreateReq.Options | UpdateReq.Options): Omit<GroupConfig, 'startKey'> => {
  const group = groupNameOf(options.getGroupName());
  const settings = options.getSettings();
  if (options.hasAll()) {
    const all = options.getAll();
    const filter = 'getFilter' in (all ?? {}) ? filterOf(all as CreateReq.AllOptions) : undefined;
    return {
      source: { kind: 'all' },
      group,
      startFrom: allStartOf(all),
      ...(filter ? { filter } : {}),
      ...settingsOf(settings),
    };
  }
  const stream = options.getStream();
  const identifier = stream?.getStreamIdentifier() ?? options.getStreamIdentifier();
  return {
    source: { kind: 'stream', stream: streamNameOf(identifier) },
    group,
    startFrom: streamStartOf(stream, settings),
    ...settingsOf(settings),
  };
};

const NACK_ACTIONS: Record<number, NackAction> = {
  [persistentPb.ReadReq.Nack.Action.PARK]: 'park',
  [persistentPb.ReadReq.Nack.Action.RETRY]: 'retry',
  [persistentPb.ReadReq.Nack.Action.SKIP]: 'skip',
  [persistentPb.ReadReq.Nack.Action.STOP]: 'stop',
};

export const persistentSubscriptionsService = (registry: GroupRegistry): UntypedServiceImplementation => ({
  create: unary<CreateReq, CreateResp>(async (req) => {
    const options = req.getOptions();
    if (!options) throw invalidArgument('Create carries no options.');
    await registry.create(configOf(options));
    return new persistentPb.CreateResp();
  }),
  update: unary<UpdateReq, UpdateResp>(async (req) => {
    const options = req.getOptions();
    if (!options) throw invalidArgument('Update carries no options.');
    await registry.update(configOf(options));
    return new persistentPb.UpdateResp();
  }),
  delete: unary<DeleteReq, DeleteResp>(async (req) => {
    const options = req.getOptions();
    if (!options) throw invalidArgument('Delete carries no options.');
    await registry.delete(sourceOf(options), groupNameOf(options.getGroupName()));
    return new persistentPb.DeleteResp();
  }),
  getInfo: unary<GetInfoReq, GetInfoResp>((req) => {
    const options = req.getOptions();
    if (!options) throw invalidArgument('GetInfo carries no options.');
    const resp = new persistentPb.GetInfoResp();
    resp.setSubscriptionInfo(subscriptionInfo(registry.get(sourceOf(options), options.getGroupName())));
    return resp;
  }),
  list: unary<ListReq, ListResp>((req) => {
    const forStream = req.getOptions()?.getListForStream();
    const source: GroupSource | undefined = forStream
      ? forStream.hasAll()
        ? { kind: 'all' }
        : { kind: 'stream', stream: streamNameOf(forStream.getStream()) }
      : undefined;
    const resp = new persistentPb.ListResp();
    resp.setSubscriptionsList(registry.list(source).map(subscriptionInfo));
    return resp;
  }),
  replayParked: unary<ReplayParkedReq, ReplayParkedResp>((req) => {
    const options = req.getOptions();
    if (!options) throw invalidArgument('ReplayParked carries no options.');
    const group = registry.get(sourceOf(options), options.getGroupName());
    group.replayParked(options.hasStopAt() ? Number(options.getStopAt()) : undefined);
    return new persistentPb.ReplayParkedResp();
  }),
  restartSubsystem: unary<Empty, Empty>(() => {
    registry.restart();
    return new sharedPb.Empty();
  }),
  read: (call: ServerDuplexStream<ReadReq, ReadResp>): void => {
    let consumer: Consumer | null = null;
    let joined: PersistentGroup | null = null;
    let leave: (() => void) | null = null;
    const fail = (error: unknown): void => {
      if (consumer) consumer.close(error);
      else call.emit('error', toRpcError(error));
      leave?.();
    };
    call.on('data', (req: ReadReq) => {
      try {
        if (!consumer) {
          const options = req.getOptions();
          if (!options) throw invalidArgument('The first Read message must carry options.');
          const source = sourceOf(options);
          const group = registry.get(source, groupNameOf(options.getGroupName()));
          const max = group.config.maxSubscriberCount;
          if (max > 0 && group.connections.length >= max) {
            throw maximumSubscribersReached(sourceName(source), group.config.group);
          }
          const name = call.metadata.get('connection-name')[0];
          consumer = new Consumer(
            call,
            Math.max(1, options.getBufferSize()),
            String(name ?? ''),
            call.getPeer(),
          );
          const member = consumer;
          joined = group;
          leave = () => group.removeConsumer(member);
          consumer.confirm(`${sourceName(source)}::${group.config.group}`);
          group.addConsumer(consumer);
          return;
        }
        const ack = req.getAck();
        const nack = req.getNack();
        if (ack)
          joined!.ack(
            consumer,
            ack.getIdsList().map((id) => uuidOf(id, 'event id')),
          );
        else if (nack) {
          const action = NACK_ACTIONS[nack.getAction()] ?? 'retry';
          const ids = nack.getIdsList().map((id) => uuidOf(id, 'event id'));
          joined!.nack(consumer, ids, action, nack.getReason());
        } else throw invalidArgument('Expected ack or nack.');
      } catch (error) {
        fail(error);
      }
    });
    const done = (): void => {
      if (consumer) consumer.closed = true;
      leave?.();
      leave = null;
    };
    call.on('end', () => {
      done();
      call.end();
    });
    call.on('cancelled', done);
    call.on('error', done);
  },
});
