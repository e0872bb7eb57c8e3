import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { GraphqlLimitError } from './graphql-errors';

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
}

export interface OperationShape {
  operation: OperationDefinitionNode;
  depth: number;
  cost: number;
  aliases: number;
}

/**
 * How many items a list field is assumed to return when `first` does not say: the REST default page (20),
 * the admin stream page (100), and a typical order's lines (an order may hold up to 50).
 */
const DEFAULT_LIST_SIZES: Record<string, number> = {
  products: 20,
  orders: 20,
  myOrders: 20,
  events: 100,
  lines: 5,
  history: 5,
  rows: 20,
};

/**
 * The shape of the operation that will run: nesting depth, aliases, and a cost that estimates the objects it
 * makes the server read. Every field with a selection set costs 1 per item, a list multiplies its items by
 * its `first` argument (or a default page); scalar fields are free; introspection (`__schema`, `__type`) is
 * governed by its own switch and not counted.
 */
export function operationShape(
  document: DocumentNode,
  operationName: string | undefined | null,
  variables: Readonly<Record<string, unknown>> = {},
): OperationShape | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) {
      if (!operationName || definition.name?.value === operationName) operation ??= definition;
    }
  }
  if (!operation) return undefined;
  let aliases = 0;
  let depth = 0;

  const numberOf = (value: ValueNode | undefined): number | undefined => {
    if (!value) return undefined;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      const bound = variables[value.name.value];
      return typeof bound === 'number' ? bound : undefined;
    }
    return undefined;
  };

  const visit = (set: SelectionSetNode, level: number, seen: ReadonlySet<string>): number => {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        // Cycles are refused by validation; guard anyway, the analysis must never loop.
        if (fragment && !seen.has(fragment.name.value))
          cost += visit(fragment.selectionSet, level, new Set([...seen, fragment.name.value]));
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        cost += visit(selection.selectionSet, level, seen);
        continue;
      }
      cost += fieldCost(selection, level, seen);
    }
    return cost;
  };

  const fieldCost = (field: FieldNode, level: number, seen: ReadonlySet<string>): number => {
    if (field.name.value.startsWith('__')) return 0;
    if (field.alias) aliases += 1;
    depth = Math.max(depth, level);
    if (!field.selectionSet) return 0;
    const first = numberOf(field.arguments?.find((a) => a.name.value === 'first')?.value);
    const items = first ?? DEFAULT_LIST_SIZES[field.name.value] ?? 1;
    return 1 + Math.max(1, items) * visit(field.selectionSet, level + 1, seen);
  };

  const cost = visit(operation.selectionSet, 1, new Set());
  return { operation, depth, cost, aliases };
}

/** Refuses an operation beyond the limits, with an error that says which limit and by how much. */
export function assertWithinLimits(shape: OperationShape, limits: QueryLimits): void {
  if (shape.depth > limits.maxDepth) {
    throw new GraphqlLimitError(
      `The query is nested ${shape.depth} levels deep; at most ${limits.maxDepth} are allowed`,
      'QUERY_TOO_DEEP',
      { depth: shape.depth, maxDepth: limits.maxDepth },
    );
  }
  if (shape.aliases > limits.maxAliases) {
    throw new GraphqlLimitError(
      `The query uses ${shape.aliases} aliases; at most ${limits.maxAliases} are allowed`,
      'TOO_MANY_ALIASES',
      { aliases: shape.aliases, maxAliases: limits.maxAliases },
    );
  }
  if (shape.cost > limits.maxCost) {
    throw new GraphqlLimitError(
      `The query would cost ${shape.cost} (objects read); at most ${limits.maxCost} are allowed: ask for ` +
        'smaller pages (first) or fewer nested lists',
      'QUERY_TOO_COSTLY',
      { cost: shape.cost, maxCost: limits.maxCost },
    );
  }
}
