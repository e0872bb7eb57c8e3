// Owns the embedded servers of DATA_DIR in its own process, for takeover tests: the parent kills it.
import { connectOrStartEmbedded } from '../embedded-stack';

connectOrStartEmbedded({ dataDir: process.env.DATA_DIR! })
  .then((stack) => {
    process.stdout.write(
      `${JSON.stringify({ eventStoreUrl: stack.eventStoreUrl, mongoUrl: stack.mongoUrl })}\n`,
    );
    setInterval(() => undefined, 60_000);
  })
  .catch((error: unknown) => {
    process.stderr.write(`owner failed: ${String(error)}\n`);
    process.exit(1);
  });
