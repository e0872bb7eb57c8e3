/** An error's message for a log line or a header; anything thrown that is not an Error, as text. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
