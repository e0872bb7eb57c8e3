import { type Environment, InvalidEnvironmentError } from './environment';

/** What the process about to start relies on, and so must not get a stand-in for silently. */
export interface ProcessNeeds {
  /** It verifies bearer tokens (the API). */
  readonly tokens: boolean;
  /** It runs the payment workers (an API with RUN_WORKERS, or apps/worker). */
  readonly payments: boolean;
}

/**
 * Zero-setup defaults (a JWT secret generated into DATA_DIR, the in-process payment simulator) are right for
 * a laptop and wrong for a deployment. Pointing at external servers (EVENTSTORE_URL or MONGO_URL) is taken to
 * mean a deployment: then a missing real setting stops the process, naming the variable, unless an explicit
 * opt-in variable asks for the stand-in.
 */
export function assertExplicitProductionSettings(env: Environment, needs: ProcessNeeds): void {
  if (!env.EVENTSTORE_URL && !env.MONGO_URL) return;
  const why = 'EVENTSTORE_URL/MONGO_URL point at external servers';
  const problems: { variable: string; message: string }[] = [];
  const hasIssuer = env.JWT_SECRET ?? env.JWT_PUBLIC_KEY ?? env.JWT_JWKS_URL;
  if (needs.tokens && !hasIssuer && !env.JWT_EMBEDDED_SECRET) {
    problems.push({
      variable: 'JWT_SECRET',
      message: `${why}: set JWT_SECRET (or JWT_PUBLIC_KEY / JWT_JWKS_URL) to your token issuer's, or JWT_EMBEDDED_SECRET=true to generate one into DATA_DIR`,
    });
  }
  if (needs.payments && !env.PAYMENT_PROVIDER_URL && !env.PAYMENT_SIMULATE) {
    problems.push({
      variable: 'PAYMENT_PROVIDER_URL',
      message: `${why}: set PAYMENT_PROVIDER_URL to your payment provider, or PAYMENT_SIMULATE=true to use the built-in simulator (no real payments)`,
    });
  }
  if (problems.length > 0) throw new InvalidEnvironmentError(problems);
}
