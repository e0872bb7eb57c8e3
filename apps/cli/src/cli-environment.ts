/**
 * Imported first by main.ts, before anything that loads @shop/config: its ConfigModule.forRoot() takes a
 * validated snapshot of the environment at import time, so setting RUN_WORKERS later has no effect and the
 * CLI would run (and fight over) the workers of the API it operates on. The CLI never runs workers itself.
 */
process.env.RUN_WORKERS = 'false';
