// mingo publishes these entry points only through package "exports", which this repository's
// `moduleResolution: node` cannot see; the shapes below are the parts the engine uses.
declare module 'mingo/core' {
  import type { Context } from 'mingo';
  export { Context };
  export function evalExpr(obj: unknown, expr: unknown, options: unknown): unknown;
}
declare module 'mingo/lazy' {
  export function Lazy(source: unknown[]): unknown;
}
declare module 'mingo/query' {
  export { Query } from 'mingo';
}
declare module 'mingo/aggregator' {
  export class Aggregator {
    constructor(pipeline: Record<string, unknown>[], options: Record<string, unknown>);
    run<T>(docs: unknown[]): T[];
  }
}
declare module 'mingo/operators/accumulator' {
  const ops: Record<string, unknown> & {
    $push(coll: unknown[], expr: unknown, options: unknown): unknown[];
  };
  export = ops;
}
declare module 'mingo/operators/pipeline' {
  const ops: Record<string, unknown>;
  export = ops;
}
declare module 'mingo/operators/projection' {
  const ops: Record<string, unknown>;
  export = ops;
}
declare module 'mingo/operators/query' {
  const ops: Record<string, unknown>;
  export = ops;
}
declare module 'mingo/operators/window' {
  const ops: Record<string, unknown>;
  export = ops;
}
declare module 'mingo/operators/expression' {
  const ops: Record<string, (obj: unknown, expr: unknown, options: unknown) => unknown>;
  export = ops;
}
declare module 'snowball-stemmers' {
  export function newStemmer(language: string): { stem(word: string): string };
}
