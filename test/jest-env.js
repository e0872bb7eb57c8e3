// Quiet logs in tests unless a developer asks for them (LOG_LEVEL=debug npx jest ...).
process.env.LOG_LEVEL ??= 'warn';
