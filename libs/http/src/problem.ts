/** RFC 9457 problem details, with our stable `code` (an API contract) and field errors for validation. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId?: string;
  errors?: FieldError[];
  details?: Readonly<Record<string, unknown>>;
  /** Health check results (readiness 503). */
  checks?: object;
}

export interface FieldError {
  /** Dotted path of the offending field, e.g. `lines.0.quantity`. */
  field: string;
  messages: string[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Stable, dereferenceable-looking identifiers; clients switch on `code`, humans read `title`/`detail`. */
export const problemType = (code: string): string => `https://eventshop.dev/problems/${code}`;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const statusTitle = (status: number): string =>
  TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Error');

/** Default `code` of a bare HTTP status (when no domain error says more). */
export const statusCode = (status: number): string =>
  ({
    400: 'bad_request',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    405: 'method_not_allowed',
    406: 'not_acceptable',
    409: 'conflict',
    412: 'precondition_failed',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    422: 'unprocessable',
    429: 'rate_limited',
    503: 'unavailable',
  })[status] ?? (status >= 500 ? 'internal_error' : 'error');
