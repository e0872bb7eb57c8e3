export interface EventuallyOptions {
  /** Fail after this long (default 20 s). */
  readonly timeoutMs?: number;
  /** Pause between probes (default 50 ms). */
  readonly intervalMs?: number;
}

/**
 * Probes until the condition holds and returns what the probe found: a probe answers `undefined` or `false`
 * for "not yet", anything else ends the wait. Fails after the deadline with the last "not yet" explained.
 * Tests wait on conditions like this, never on fixed sleeps.
 */
export async function eventually<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: EventuallyOptions | number = {},
): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 50 } =
    typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
