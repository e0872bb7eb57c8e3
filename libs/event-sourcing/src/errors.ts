/**
 * How a caller should react to an error. The HTTP layer maps categories, not classes, to status codes
 * (validation 400, not_found 404, unprocessable 422, rule_violated 409, concurrency 412, unavailable 503),
 * so a new error class needs no change there.
 */
export type ErrorCategory =
  'validation' | 'not_found' | 'unprocessable' | 'rule_violated' | 'concurrency' | 'unavailable';

/**
 * Base of every error the application raises on purpose. `code` is a stable, machine-readable identifier
 * (snake_case, part of the API contract); `message` is for humans and may change.
 */
export abstract class DomainError extends Error {
  abstract readonly category: ErrorCategory;

  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The command itself is malformed or out of range, whatever the state. */
export class ValidationError extends DomainError {
  readonly category = 'validation';
}

/** The command targets something that does not exist. */
export class NotFoundError extends DomainError {
  readonly category = 'not_found';
}

/**
 * The command is well-formed but cannot be processed as sent: it refers to something that does not exist
 * (an unknown product in an order) or reuses an idempotency key with another request. Unlike NotFoundError,
 * the addressed resource itself is not what is missing.
 */
export class UnprocessableError extends DomainError {
  readonly category = 'unprocessable';
}

/** The command is well-formed but the current state forbids it (a business rule). */
export class RuleViolatedError extends DomainError {
  readonly category = 'rule_violated';
}

/** The caller's view of the state is out of date (e.g. an If-Match revision that no longer holds). */
export class ConcurrencyError extends DomainError {
  readonly category = 'concurrency';
}

/** A dependency is temporarily unable to serve the request; the same request may succeed later. */
export class UnavailableError extends DomainError {
  readonly category = 'unavailable';
}

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
