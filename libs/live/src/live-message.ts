/**
 * What the change bus carries, as plain JSON (it crosses processes through Redis). Positions are the
 * `commit/prepare` tokens commands return and reads accept as `?position=`.
 */
export interface ViewChangeMessage {
  readonly type: 'change';
  /** What changed: `order`, `product`, `stock`, `report`, `report-ready` (see the projection definitions). */
  readonly topic: string;
  readonly id: string;
  /** The customer the thing belongs to: customers only ever receive their own. */
  readonly ownerId?: string;
  /** The projection whose read model now holds the change. */
  readonly projection: string;
  readonly eventType: string;
  readonly position: string;
  readonly streamName: string;
  readonly revision: string;
  readonly recordedAt: string;
  /** When the view committed it: from here on a read sees it. */
  readonly committedAt: string;
}

/** A projection's or processor's status changed (state, checkpoint, lag): the operators' feed. */
export interface ProjectionStatusMessage {
  readonly type: 'projectionStatus';
  readonly name: string;
  readonly kind: 'projection' | 'processor';
  readonly state: string;
  readonly checkpoint: string | null;
  readonly processed: number;
  readonly lagEvents: number;
  readonly lagMs: number;
  readonly lastError?: string;
  readonly at: string;
}

export type LiveMessage = ViewChangeMessage | ProjectionStatusMessage;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** Whether something received from another process is a message this version understands. */
export const isLiveMessage = (value: unknown): value is LiveMessage => {
  if (!isRecord(value)) return false;
  if (value.type === 'change')
    return (
      typeof value.topic === 'string' &&
      typeof value.id === 'string' &&
      typeof value.position === 'string' &&
      typeof value.eventType === 'string'
    );
  return value.type === 'projectionStatus' && typeof value.name === 'string';
};
