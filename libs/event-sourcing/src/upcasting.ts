/** Turns the `data` of one schema version of an event type into the next version's shape. */
export type Upcast = (data: Record<string, unknown>) => Record<string, unknown>;

export class UnknownSchemaVersionError extends Error {
  constructor(
    readonly eventType: string,
    readonly schemaVersion: number,
    readonly currentVersion: number,
  ) {
    super(
      `Event ${eventType} has schemaVersion ${schemaVersion} but this code knows versions up to ${currentVersion}: ` +
        'it was written by newer code; deploy that code before reading these events',
    );
    this.name = 'UnknownSchemaVersionError';
  }
}

/**
 * Old event versions stay in the store forever; readers only ever see the current shape. Each step upgrades
 * one version (v1 -> v2, v2 -> v3), so adding v4 later means adding one step, not rewriting the others.
 * Writers stamp `currentVersion(type)` on new events.
 */
export class UpcasterRegistry {
  private readonly steps = new Map<string, Upcast[]>();

  /** Registers the step from `fromVersion` to `fromVersion + 1`; steps must be registered in order from 1. */
  register(eventType: string, fromVersion: number, upcast: Upcast): this {
    const steps = this.steps.get(eventType) ?? [];
    if (fromVersion !== steps.length + 1) {
      throw new Error(
        `Upcaster for ${eventType} v${fromVersion} registered out of order: expected v${steps.length + 1}`,
      );
    }
    steps.push(upcast);
    this.steps.set(eventType, steps);
    return this;
  }

  /** Combines registries from several bounded contexts; an event type may be owned by only one of them. */
  static merge(...registries: UpcasterRegistry[]): UpcasterRegistry {
    const merged = new UpcasterRegistry();
    for (const registry of registries) {
      for (const [type, steps] of registry.steps) {
        if (merged.steps.has(type)) throw new Error(`Upcasters for ${type} registered twice`);
        merged.steps.set(type, [...steps]);
      }
    }
    return merged;
  }

  currentVersion(eventType: string): number {
    return (this.steps.get(eventType)?.length ?? 0) + 1;
  }

  upcast(eventType: string, schemaVersion: number, data: Record<string, unknown>): Record<string, unknown> {
    const steps = this.steps.get(eventType) ?? [];
    const current = steps.length + 1;
    if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > current) {
      throw new UnknownSchemaVersionError(eventType, schemaVersion, current);
    }
    let upgraded = data;
    for (const step of steps.slice(schemaVersion - 1)) upgraded = step(upgraded);
    return upgraded;
  }
}
