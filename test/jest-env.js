// Quiet logs in tests unless a developer asks for them (LOG_LEVEL=debug npx jest ...).
process.env.LOG_LEVEL ??= 'warn';
// Tests run the embedded EventStoreDB as a development node: with the standard system projections.
process.env.EMBEDDED_SYSTEM_PROJECTIONS ??= 'true';
