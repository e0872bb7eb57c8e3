import { randomUUID } from 'node:crypto';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/persistent_pb';
import { persistentPb, sharedPb } from '../protocol/generated';
import { streamIdentifier } from '../protocol/convert';
import { toRpcError } from '../protocol/rpc-errors';
import type { StoredEvent } from '../storage/stored-event';
import type { ResolvedRecord } from '../streams/resolve-link';
import { originalOf } from '../streams/resolve-link';
import { revisionString } from '../storage/stored-event';

/** One connected subscriber of a group (one PersistentSubscriptions.Read call). */
export class Consumer {
  readonly id = randomUUID();
  readonly inFlight = new Set<string>();
  delivered = 0;
  closed = false;

  constructor(
    private readonly call: ServerDuplexStream<ReadReq, ReadResp>,
    readonly capacity: number,
    readonly connectionName: string,
    readonly from: string,
  ) {}

  get freeSlots(): number {
    return this.gone ? 0 : this.capacity - this.inFlight.size;
  }

  /** Closed locally, or the client went away (writes to a cancelled call are pointless). */
  private get gone(): boolean {
    return this.closed || this.call.cancelled;
  }

  confirm(subscriptionId: string): void {
    if (this.gone) return;
    const resp = new persistentPb.ReadResp();
    const confirmation = new persistentPb.ReadResp.SubscriptionConfirmation();
    confirmation.setSubscriptionId(subscriptionId);
    resp.setSubscriptionConfirmation(confirmation);
    this.call.write(resp);
  }

  /** Sends an event (with the link it came through, if any); acks name the original (link) id. */
  send(resolved: ResolvedRecord, retryCount: number): void {
    if (this.gone) return;
    const original = originalOf(resolved);
    const readEvent = new persistentPb.ReadResp.ReadEvent();
    if (resolved.event) readEvent.setEvent(recordedOf(resolved.event));
    if (resolved.link) readEvent.setLink(recordedOf(resolved.link));
    readEvent.setCommitPosition(String(original.position));
    readEvent.setRetryCount(retryCount);
    const resp = new persistentPb.ReadResp();
    resp.setEvent(readEvent);
    this.inFlight.add(original.id);
    this.delivered++;
    this.call.write(resp);
  }

  /** Ends the call; with an error the client sees it as the subscription being dropped. */
  close(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    if (error) this.call.emit('error', toRpcError(error));
    else this.call.end();
  }
}

const recordedOf = (event: StoredEvent): ReadResp.ReadEvent.RecordedEvent => {
  const recorded = new persistentPb.ReadResp.ReadEvent.RecordedEvent();
  const id = new sharedPb.UUID();
  id.setString(event.id);
  recorded.setId(id);
  recorded.setStreamIdentifier(streamIdentifier(event.streamName));
  recorded.setStreamRevision(revisionString(event));
  recorded.setPreparePosition(String(event.position));
  recorded.setCommitPosition(String(event.position));
  const metadata = recorded.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('content-type', event.isJson ? 'application/json' : 'application/octet-stream');
  metadata.set('created', `${Math.trunc(event.createdMs)}0000`);
  recorded.setCustomMetadata(event.metadata);
  recorded.setData(event.data);
  return recorded;
};
