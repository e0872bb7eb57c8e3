import {
  type Command,
  type Decider,
  type DomainEvent,
  fold,
  isDomainError,
  type StoredEvent,
} from '@shop/event-sourcing';
import { productDecider } from '@shop/inventory';
import { orderDecider } from '@shop/ordering';
import {
  chargeOutcome,
  nextProviderCall,
  paymentDecider,
  PaymentDeclinedError,
  paymentStreamName,
  refundOutcome,
} from '@shop/payments';
import { nextActions } from '../checkout.actions';
import { checkoutDecider } from '../checkout.decider';
import { checkoutStreamName } from '../checkout.streams';
import {
  type ActionCommand,
  actionCommand,
  factFromActionRejection,
  factFromActionSuccess,
  factFromEvent,
} from '../checkout.wiring';

export class Crash extends Error {}

/**
 * The checkout wiring as documented in checkout.wiring.ts, over an in-memory event store, with the real
 * deciders of every context. Commands are NOT deduplicated by idempotency key here, so the tests prove
 * that the deciders' own no-op rules already make re-runs safe.
 */
export class InMemoryShop {
  readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, DomainEvent[]>();
  /** The subscription's checkpoint: index of the next log entry to process. */
  checkpoint = 0;
  paymentBehaviour: 'capture' | 'decline' = 'capture';
  /** Commands the wiring may still execute before the process "crashes" (Infinity: never). */
  crashAfter = Infinity;

  constructor(private readonly now = new Date('2026-03-01T10:00:00.000Z')) {}

  handle<S, C extends Command, E extends DomainEvent>(decider: Decider<S, C, E>, stream: string, command: C) {
    const history = (this.streams.get(stream) ?? []) as E[];
    const events = decider.decide(command, fold(decider, decider.initialState(), history));
    for (const event of events) {
      const revision = BigInt(history.length);
      history.push(event);
      this.log.push({
        streamName: stream,
        revision,
        event,
        metadata: {
          eventId: `${stream}#${revision}`,
          correlationId: 'c',
          causationId: 'c',
          schemaVersion: 1,
          occurredAt: command.metadata.now.toISOString(),
        },
        recordedAt: command.metadata.now,
      });
    }
    this.streams.set(stream, history);
    return events;
  }

  events(stream: string): readonly DomainEvent[] {
    return this.streams.get(stream) ?? [];
  }

  state<S, E extends DomainEvent>(decider: Decider<S, never, E>, stream: string): S {
    return fold(decider, decider.initialState(), this.events(stream) as E[]);
  }

  count(stream: string, type: string): number {
    return this.events(stream).filter((e) => e.type === type).length;
  }

  /** Runs the subscription until the log is drained. A Crash leaves the checkpoint where it was. */
  drain(): void {
    while (this.checkpoint < this.log.length) {
      const stored = this.log[this.checkpoint];
      if (!stored) break;
      const fact = factFromEvent(stored);
      if (fact) {
        this.handle(checkoutDecider, checkoutStreamName(fact.data.orderId), fact);
        this.runActions(fact.data.orderId);
      }
      if (stored.event.type === 'PaymentRequested' || stored.event.type === 'PaymentRefundRequested') {
        this.paymentWorker(stored.streamName);
      }
      this.checkpoint += 1;
    }
  }

  private runActions(orderId: string): void {
    for (let round = 0; round < 20; round += 1) {
      let recorded = 0;
      for (const action of nextActions(this.state(checkoutDecider, checkoutStreamName(orderId)))) {
        let fact;
        try {
          this.execute(actionCommand(action, { now: this.now }));
          fact = factFromActionSuccess(action, this.now);
        } catch (error) {
          if (!isDomainError(error)) throw error;
          fact = factFromActionRejection(action, error, this.now);
        }
        if (this.crashAfter-- <= 0) throw new Crash(`crashed after ${action.type}`);
        if (fact) recorded += this.handle(checkoutDecider, checkoutStreamName(orderId), fact).length;
      }
      if (recorded === 0) return;
    }
    throw new Error('the checkout did not settle');
  }

  private execute(target: ActionCommand): void {
    switch (target.context) {
      case 'inventory':
        this.handle(productDecider, target.streamName, target.command);
        return;
      case 'ordering':
        this.handle(orderDecider, target.streamName, target.command);
        return;
      case 'payments':
        this.handle(paymentDecider, target.streamName, target.command);
        return;
    }
  }

  private paymentWorker(stream: string): void {
    const call = nextProviderCall(this.state(paymentDecider, stream));
    if (!call) return;
    const meta = { now: this.now };
    const { orderId } = call.request;
    if (call.kind === 'refund') {
      this.handle(
        paymentDecider,
        paymentStreamName(orderId),
        refundOutcome(orderId, { providerRef: 're_1' }, meta),
      );
      return;
    }
    const outcome =
      this.paymentBehaviour === 'capture'
        ? { ok: { providerRef: `pay_${orderId.slice(0, 8)}` } }
        : { error: new PaymentDeclinedError('card expired') };
    this.handle(paymentDecider, paymentStreamName(orderId), chargeOutcome(orderId, outcome, meta));
  }
}
