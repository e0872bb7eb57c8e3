import { UpcasterRegistry } from '@shop/event-sourcing';

/**
 * Upcasters of this context's events, to merge into the serializer's registry with
 * `UpcasterRegistry.merge(...)`. None yet: every event type is at schema version 1. When an event's data
 * changes shape, register the step here (never rename the type or rewrite stored events).
 */
export const inventoryUpcasters = (): UpcasterRegistry => new UpcasterRegistry();
