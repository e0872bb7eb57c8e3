import { useEffect, useRef, useState } from 'preact/hooks';
import type { paths } from './api/schema';
import { token } from './session';

/** The operator feeds the API serves as Server-Sent Events (typed: a renamed feed fails typecheck). */
export type FeedPath = Extract<keyof paths, '/v1/admin/projections/live' | '/v1/admin/events/live'>;

export interface FeedMessage {
  event: string;
  id?: string;
  data: unknown;
}

export type FeedState = 'connecting' | 'live' | 'down';

/** One change a view committed, as /v1/admin/events/live sends it. */
export interface ViewChange {
  topic: string;
  projection: string;
  eventType: string;
  position: string;
  streamName: string;
  revision: string;
}

const RETRY_MS = 2000;

/** Splits a text/event-stream into messages (comments and keep-alives dropped). */
function parseFrames(buffer: string): { messages: FeedMessage[]; rest: string } {
  const frames = buffer.split(/\r?\n\r?\n/);
  const rest = frames.pop() ?? '';
  const messages: FeedMessage[] = [];
  for (const frame of frames) {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of frame.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'id') id = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) continue;
    try {
      messages.push({
        event,
        ...(id !== undefined ? { id } : {}),
        data: JSON.parse(data.join('\n')) as unknown,
      });
    } catch {
      // Not JSON: not one of ours; skip it rather than stop the feed.
    }
  }
  return { messages, rest };
}

/**
 * Follows an operator feed with the bearer token (EventSource cannot send one, so fetch reads the stream),
 * reconnecting after a drop. 'down' while it cannot connect: pages then fall back to polling.
 */
export function useFeed(path: FeedPath, onMessage: (message: FeedMessage) => void): FeedState {
  const [state, setState] = useState<FeedState>('connecting');
  const handler = useRef(onMessage);
  handler.current = onMessage;
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = async () => {
      try {
        const response = await fetch(path, {
          headers: { accept: 'text/event-stream', authorization: `Bearer ${token() ?? ''}` },
          signal: abort.signal,
        });
        if (!response.ok || !response.body) throw new Error(`${response.status}`);
        setState('live');
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const parsed = parseFrames(buffer + value);
          buffer = parsed.rest;
          parsed.messages.forEach((message) => handler.current(message));
        }
      } catch {
        // Refused, dropped or never answered: retried below while the page is open.
      }
      if (abort.signal.aborted) return;
      setState('down');
      timer = setTimeout(() => void connect(), RETRY_MS);
    };
    void connect();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [path]);
  return state;
}

/** A small badge saying whether the page follows the live feed or polls. */
export function FeedBadge({ state }: { state: FeedState }) {
  const text =
    state === 'live'
      ? 'Live feed connected'
      : state === 'connecting'
        ? 'Connecting to the live feed…'
        : 'Live feed down: polling';
  return (
    <p class={`feed feed-${state}`} role="status">
      {text}
    </p>
  );
}
