import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

/** How the simulated provider behaves; changeable at run time (PUT /_sim/config) so tests can stage outages. */
export interface SimulatorBehaviour {
  /** Delay before every answer. */
  latencyMs: number;
  /** Share of requests answered with a transient 503 (0..1). */
  failureRate: number;
  /** Share of new charges declined for good, 402 (0..1). */
  declineRate: number;
  /** Every request fails with 503: the provider is down. */
  outage: boolean;
  /** Share of charges made whose response is lost (503 after charging): the retry must not charge again. */
  lostResponseRate: number;
  /**
   * A charge whose response was lost keeps answering 503 to every retry of its key (the provider's gateway
   * keeps timing out on it), though the charge stands and lookups find it: the case reconciliation is for.
   */
  lostResponseSticky: boolean;
}

export const DEFAULT_BEHAVIOUR: SimulatorBehaviour = {
  latencyMs: 20,
  failureRate: 0,
  declineRate: 0,
  outage: false,
  lostResponseRate: 0,
  lostResponseSticky: false,
};

interface Charge {
  providerRef: string;
  status: 'captured' | 'declined';
  orderId: string;
  amountCents: number;
  refunded: boolean;
  /** Its response was lost (lostResponseRate). */
  lost: boolean;
}

export interface PaymentSimulator {
  url: string;
  behaviour: SimulatorBehaviour;
  /** Charges actually made, by idempotency key (a retried key never makes a second one). */
  charges(): ReadonlyMap<string, Charge>;
  /** HTTP requests received, whatever their outcome. */
  requests(): number;
  stop(): Promise<void>;
}

/**
 * A stand-in for an external card payment provider, served over real HTTP on loopback so the adapter is
 * exercised exactly as against a remote service: latency, transient failures, declines, outages, and
 * provider-side idempotency keys.
 */
export async function startPaymentSimulator(
  behaviour: Partial<SimulatorBehaviour> = {},
  port = 0,
): Promise<PaymentSimulator> {
  const state: SimulatorBehaviour = { ...DEFAULT_BEHAVIOUR, ...behaviour };
  const charges = new Map<string, Charge>();
  /** Charge requests being processed, by idempotency key (a retry may overlap the attempt it retries). */
  const inProgress = new Map<string, number>();
  let requests = 0;
  // Stopping drops every connection, idle or not: a client's kept-alive or half-sent request would otherwise
  // hold close() open until the server's own timeouts (Fastify's 72 s keep-alive, Node's 60 s headers timeout).
  const app: FastifyInstance = Fastify({ logger: false, forceCloseConnections: true });

  const disturbance = async (): Promise<{ status: number; body: object } | null> => {
    requests++;
    if (state.latencyMs > 0) await delay(state.latencyMs);
    if (state.outage) return { status: 503, body: { error: 'provider_down' } };
    if (Math.random() < state.failureRate) return { status: 503, body: { error: 'temporarily_unavailable' } };
    return null;
  };

  type ChargeBody = { idempotencyKey?: string; orderId?: string; amountCents?: number };
  app.post<{ Body: ChargeBody }>('/charges', async (request, reply) => {
    // Known under its key from the moment the request arrives, like a real provider's idempotency record: a
    // lookup meanwhile answers "in progress", never "no such charge".
    const key = request.body?.idempotencyKey;
    if (typeof key === 'string') inProgress.set(key, (inProgress.get(key) ?? 0) + 1);
    try {
      const { status, body } = await processCharge(request.body ?? {});
      return await reply.code(status).send(body);
    } finally {
      if (typeof key === 'string') {
        const left = (inProgress.get(key) ?? 1) - 1;
        if (left > 0) inProgress.set(key, left);
        else inProgress.delete(key);
      }
    }
  });

  const processCharge = async ({
    idempotencyKey,
    orderId,
    amountCents,
  }: ChargeBody): Promise<{ status: number; body: object }> => {
    const failure = await disturbance();
    if (failure) return failure;
    if (!idempotencyKey || !orderId || !Number.isInteger(amountCents) || (amountCents ?? 0) <= 0) {
      return { status: 400, body: { error: 'invalid_request' } };
    }
    let charge = charges.get(idempotencyKey);
    if (!charge) {
      charge = {
        providerRef: `ch_${randomUUID()}`,
        status: Math.random() < state.declineRate ? 'declined' : 'captured',
        orderId,
        amountCents: amountCents!,
        refunded: false,
        lost: Math.random() < state.lostResponseRate,
      };
      charges.set(idempotencyKey, charge);
      if (charge.lost) return { status: 503, body: { error: 'gateway_timeout' } };
    } else if (charge.lost && state.lostResponseSticky) {
      return { status: 503, body: { error: 'gateway_timeout' } };
    }
    if (charge.status === 'declined')
      return { status: 402, body: { error: 'card_declined', providerRef: charge.providerRef } };
    return { status: 201, body: { providerRef: charge.providerRef, status: charge.status } };
  };

  // What became of a charge: how a client whose answer was lost finds out without charging again.
  app.get<{ Params: { idempotencyKey: string } }>('/charges/:idempotencyKey', async (request, reply) => {
    const failure = await disturbance();
    if (failure) return reply.code(failure.status).send(failure.body);
    const key = request.params.idempotencyKey;
    const charge = charges.get(key);
    if (!charge && inProgress.has(key)) return reply.code(409).send({ error: 'charge_in_progress' });
    if (!charge) return reply.code(404).send({ error: 'charge_not_found' });
    return reply.code(200).send({
      providerRef: charge.providerRef,
      status: charge.status,
      refunded: charge.refunded,
    });
  });

  app.post<{ Body: { idempotencyKey?: string; providerRef?: string } }>(
    '/refunds',
    async (request, reply) => {
      const failure = await disturbance();
      if (failure) return reply.code(failure.status).send(failure.body);
      const charge = [...charges.values()].find((c) => c.providerRef === request.body?.providerRef);
      if (!charge || charge.status !== 'captured') return reply.code(404).send({ error: 'charge_not_found' });
      charge.refunded = true;
      return reply.code(201).send({ providerRef: charge.providerRef, status: 'refunded' });
    },
  );

  app.put<{ Body: Partial<SimulatorBehaviour> }>('/_sim/config', (request) => {
    Object.assign(state, request.body ?? {});
    return state;
  });

  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${boundPort}`,
    behaviour: state,
    charges: () => charges,
    requests: () => requests,
    stop: () => app.close(),
  };
}
