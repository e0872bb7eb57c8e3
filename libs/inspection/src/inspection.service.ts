import {
  END,
  eventTypeFilter,
  EventStoreDBClient,
  excludeSystemEvents,
  streamNameFilter,
} from '@eventstore/db-client';
import { Inject, Injectable } from '@nestjs/common';
import {
  type Command,
  type Decider,
  type DomainEvent,
  NotFoundError,
  ValidationError,
} from '@shop/event-sourcing';
import { EventSerializer, scanAll, StreamInspector } from '@shop/eventstore';
import { causationTree, type TraceNode } from './causation-tree';
import { type EventSummary, summarize } from './event-summary';

export const AGGREGATE_RESOLVER = Symbol('AGGREGATE_RESOLVER');
export type AggregateResolver = (streamName: string) => Decider<unknown, Command, DomainEvent> | undefined;

export interface SearchCriteria {
  type?: string;
  correlationId?: string;
  since?: Date;
  until?: Date;
  limit?: number;
}

const STREAM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;

/** Everything operators and auditors can see of the event store: streams, states in history, traces. */
@Injectable()
export class InspectionService {
  constructor(
    private readonly esdb: EventStoreDBClient,
    private readonly serializer: EventSerializer,
    private readonly inspector: StreamInspector,
    @Inject(AGGREGATE_RESOLVER) private readonly aggregates: AggregateResolver,
  ) {}

  /** Stream names (system streams excluded) in order of first appearance, optionally by prefix. */
  async listStreams(prefix: string | undefined, limit: number): Promise<string[]> {
    const found = new Set<string>();
    const filter = prefix ? streamNameFilter({ prefixes: [prefix] }) : excludeSystemEvents();
    await scanAll(this.esdb, { filter }, (resolved) => {
      const stream = resolved.event?.streamId;
      if (stream && !stream.startsWith('$') && !stream.startsWith('snapshot_')) found.add(stream);
      return found.size < limit;
    });
    return [...found];
  }

  async readStream(
    stream: string,
    options: { from?: bigint; limit: number; backwards: boolean },
  ): Promise<{ events: EventSummary[]; next: string | null }> {
    const page = await this.inspector.readPage(checkStream(stream), {
      pageSize: options.limit,
      direction: options.backwards ? 'backwards' : 'forwards',
      ...(options.from !== undefined ? { fromRevision: options.from } : {}),
    });
    if (page.events.length === 0 && options.from === undefined) throw streamNotFound(stream);
    return { events: page.events.map(summarize), next: page.nextRevision?.toString() ?? null };
  }

  /** The aggregate's state after revision N, or as it was at a point in time (time travel). */
  async stateAt(stream: string, at: { revision: bigint } | { time: Date }) {
    const decider = this.decider(stream);
    const result = await this.inspector.stateAt(decider, stream, at);
    if (result.revision < 0n) throw streamNotFound(stream);
    return { stream, revision: result.revision.toString(), state: toJson(decider, result.state) };
  }

  async diff(stream: string, from: bigint, to: bigint) {
    const decider = this.decider(stream);
    const diff = await this.inspector.diff(decider, stream, from, to);
    return {
      stream,
      from: { revision: diff.from.revision.toString(), state: toJson(decider, diff.from.state) },
      to: { revision: diff.to.revision.toString(), state: toJson(decider, diff.to.state) },
      events: diff.events.map(summarize),
      changes: diff.changes,
    };
  }

  /** $all search: by type server-side; correlation id and time range on the way. */
  async search(criteria: SearchCriteria): Promise<EventSummary[]> {
    const limit = criteria.limit ?? 1000;
    const results: EventSummary[] = [];
    const filter = criteria.type
      ? eventTypeFilter({ regex: `^${escapeRegex(criteria.type)}$` })
      : excludeSystemEvents();
    await scanAll(this.esdb, { filter }, (resolved) => {
      const stored = resolved.event && this.serializer.deserialize(resolved.event);
      if (!stored) return true;
      if (criteria.correlationId && stored.metadata.correlationId !== criteria.correlationId) return true;
      const at = Date.parse(stored.metadata.occurredAt);
      if (criteria.since && at < criteria.since.getTime()) return true;
      if (criteria.until && at > criteria.until.getTime()) return true;
      results.push(summarize(stored));
      return results.length < limit;
    });
    return results;
  }

  /** Every event of one correlation id, arranged by causation: request -> events -> process manager -> ... */
  async trace(correlationId: string): Promise<{ correlationId: string; events: number; tree: TraceNode[] }> {
    const events = await this.search({ correlationId, limit: 10_000 });
    if (events.length === 0) {
      throw new NotFoundError('trace_not_found', `No events with correlation id ${correlationId}`, {
        correlationId,
      });
    }
    return { correlationId, events: events.length, tree: causationTree(events) };
  }

  /** New events as they are appended, to a stream or to $all (optionally one event type). */
  async *tail(stream: string, type: string | undefined, signal?: AbortSignal): AsyncGenerator<EventSummary> {
    const subscription =
      stream === '$all'
        ? this.esdb.subscribeToAll({
            fromPosition: END,
            filter: type ? eventTypeFilter({ regex: `^${escapeRegex(type)}$` }) : excludeSystemEvents(),
          })
        : this.esdb.subscribeToStream(checkStream(stream), { fromRevision: END });
    signal?.addEventListener('abort', () => void subscription.unsubscribe());
    try {
      for await (const resolved of subscription) {
        const stored = resolved.event && this.serializer.deserialize(resolved.event);
        if (stored && (!type || stored.event.type === type)) yield summarize(stored);
      }
    } finally {
      await subscription.unsubscribe().catch(() => undefined);
    }
  }

  private decider(stream: string) {
    const decider = this.aggregates(checkStream(stream));
    if (!decider) {
      throw new ValidationError('not_an_aggregate', `${stream} is not the stream of a known aggregate`, {
        stream,
      });
    }
    return decider;
  }
}

const checkStream = (stream: string): string => {
  if (!STREAM_NAME.test(stream)) {
    throw new ValidationError('invalid_stream_name', 'stream names are letters, digits, _ . : and -', {
      stream,
    });
  }
  return stream;
};

const streamNotFound = (stream: string) =>
  new NotFoundError('stream_not_found', `Stream ${stream} does not exist`, { stream });

const toJson = (decider: Decider<unknown, Command, DomainEvent>, state: unknown): unknown =>
  JSON.parse(
    JSON.stringify(decider.snapshots?.serialize?.(state) ?? state, (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v,
    ),
  );

const escapeRegex = (value: string): string => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
