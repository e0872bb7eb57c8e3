import { PaymentDeclinedError } from '@shop/payments';
import { eventually } from '@shop/testing';
import { PaymentClient, type PaymentClientOptions } from './payment-client';
import { type PaymentSimulator, startPaymentSimulator } from './simulator';

describe('PaymentClient against the simulated provider (real HTTP)', () => {
  let sim: PaymentSimulator;
  const states: string[] = [];
  const client = (options: Partial<PaymentClientOptions> = {}) =>
    new PaymentClient({
      baseUrl: sim.url,
      timeoutMs: 500,
      retries: 2,
      breakerThreshold: 3,
      breakerHalfOpenAfterMs: 100,
      bulkheadLimit: 5,
      bulkheadQueue: 5,
      onBreakerStateChange: (state) => states.push(state),
      ...options,
    });

  beforeEach(async () => {
    sim = await startPaymentSimulator({ latencyMs: 1 });
    states.length = 0;
  });
  afterEach(() => sim.stop());

  const charge = (key: string) => ({ idempotencyKey: key, orderId: `order-${key}`, amountCents: 1234 });

  it('charges once and returns the provider reference', async () => {
    const result = await client().charge(charge('a'));
    expect(result.providerRef).toMatch(/^ch_/);
    expect(sim.charges().size).toBe(1);
  });

  it('retries a lost response with the same key and never charges twice', async () => {
    Object.assign(sim.behaviour, { lostResponseRate: 1 });
    const payments = client();
    // Every first attempt charges and loses its response; the retry finds the charge by its key.
    const result = await payments.charge(charge('lost'));
    expect(sim.charges().size).toBe(1);
    expect(result.providerRef).toBe(sim.charges().get('lost')?.providerRef);
    expect(sim.requests()).toBe(2);
  });

  it('does not retry a decline', async () => {
    Object.assign(sim.behaviour, { declineRate: 1 });
    await expect(client().charge(charge('declined'))).rejects.toBeInstanceOf(PaymentDeclinedError);
    expect(sim.requests()).toBe(1);
  });

  it('gives up after the retries when the provider keeps failing', async () => {
    Object.assign(sim.behaviour, { failureRate: 1 });
    await expect(client({ breakerThreshold: 100 }).charge(charge('flaky'))).rejects.toMatchObject({
      name: 'PaymentProviderUnavailableError',
      reason: 'unavailable',
    });
    expect(sim.requests()).toBe(3); // first attempt + 2 retries
    expect(sim.charges().size).toBe(0);
  });

  it('times out slow attempts', async () => {
    Object.assign(sim.behaviour, { latencyMs: 300 });
    await expect(client({ timeoutMs: 50, retries: 0 }).charge(charge('slow'))).rejects.toMatchObject({
      reason: 'timeout',
    });
  });

  it('opens the circuit during an outage, fails fast, and closes when the provider is back', async () => {
    Object.assign(sim.behaviour, { outage: true });
    const payments = client({ retries: 0 });
    for (let i = 0; i < 3; i++) await expect(payments.charge(charge(`down-${i}`))).rejects.toThrow();
    expect(payments.circuitState).toBe('open');
    const before = sim.requests();
    await expect(payments.charge(charge('fast'))).rejects.toMatchObject({
      reason: 'circuit_open',
      requestSent: false, // so the payment can fail without reconciliation
    });
    expect(sim.requests()).toBe(before); // failed fast: the provider was not called

    Object.assign(sim.behaviour, { outage: false });
    const deadline = Date.now() + 5_000;
    let recovered = false;
    while (!recovered && Date.now() < deadline) {
      recovered = await payments.charge(charge('back')).then(
        () => true,
        () => false,
      );
    }
    expect(recovered).toBe(true);
    expect(payments.circuitState).toBe('closed');
    expect(states).toEqual(expect.arrayContaining(['open', 'half-open', 'closed']));
  });

  it('finds what became of a charge whose answer was lost, without charging again', async () => {
    Object.assign(sim.behaviour, { lostResponseRate: 1, lostResponseSticky: true });
    const payments = client({ breakerThreshold: 100 });
    await expect(payments.charge(charge('lost'))).rejects.toMatchObject({
      reason: 'unavailable',
      requestSent: true,
    });
    expect(sim.charges().size).toBe(1); // it charged, every answer was lost

    const lookup = (key: string) => payments.findCharge({ idempotencyKey: key, orderId: `order-${key}` });
    await expect(lookup('lost')).resolves.toEqual({
      providerRef: sim.charges().get('lost')!.providerRef,
      status: 'captured',
    });
    await expect(lookup('never-charged')).resolves.toBeNull();
    Object.assign(sim.behaviour, { lostResponseRate: 0, declineRate: 1 });
    await expect(payments.charge(charge('declined'))).rejects.toBeInstanceOf(PaymentDeclinedError);
    await expect(lookup('declined')).resolves.toBeNull(); // declined: no money taken
    expect(sim.charges().size).toBe(2);
  });

  it('does not answer "no charge" while a charge under the key is still being processed', async () => {
    Object.assign(sim.behaviour, { latencyMs: 1_000 });
    const charging = client({ timeoutMs: 5_000 }).charge(charge('slow'));
    await eventually(() => sim.requests() === 1); // the charge has reached the provider
    sim.behaviour.latencyMs = 1; // lookups answer at once; the charge is still being processed
    const lookups = client({ retries: 30, breakerThreshold: 3 });
    const found = await lookups.findCharge({ idempotencyKey: 'slow', orderId: 'order-slow' });
    expect(found).toEqual({ providerRef: (await charging).providerRef, status: 'captured' });
    expect(sim.requests()).toBeGreaterThan(2); // it was asked again until the charge was settled
    expect(states).not.toContain('open'); // "in progress" says nothing against the provider's health
  });

  it('reports a charge still in progress once its retries are spent, so the caller asks later', async () => {
    Object.assign(sim.behaviour, { latencyMs: 1_000 });
    const charging = client({ timeoutMs: 5_000 }).charge(charge('slower'));
    await eventually(() => sim.requests() === 1);
    sim.behaviour.latencyMs = 1;
    await expect(
      client({ retries: 1 }).findCharge({ idempotencyKey: 'slower', orderId: 'order-slower' }),
    ).rejects.toMatchObject({ name: 'PaymentProviderUnavailableError', reason: 'charge_in_progress' });
    await charging;
  });

  it('retries a lookup while the provider is down, like any call', async () => {
    Object.assign(sim.behaviour, { outage: true });
    await expect(
      client({ breakerThreshold: 100 }).findCharge({ idempotencyKey: 'k', orderId: 'order-k' }),
    ).rejects.toMatchObject({ name: 'PaymentProviderUnavailableError', reason: 'unavailable' });
    expect(sim.requests()).toBe(3);
  });

  it('rejects calls beyond the bulkhead instead of queueing without bound', async () => {
    Object.assign(sim.behaviour, { latencyMs: 300 });
    const payments = client({ bulkheadLimit: 1, bulkheadQueue: 0 });
    const first = payments.charge(charge('b1'));
    await expect(payments.charge(charge('b2'))).rejects.toMatchObject({ reason: 'bulkhead_full' });
    await expect(first).resolves.toMatchObject({ providerRef: expect.any(String) });
  });
});
