import { InvalidEnvironmentError, validateEnvironment } from './environment';
import { assertExplicitProductionSettings } from './production-settings';

const external = { EVENTSTORE_URL: 'esdb://es:2113?tls=false', MONGO_URL: 'mongodb://mongo:27017/' };
const both = { tokens: true, payments: true };

const problemsOf = (raw: Record<string, string>, needs = both): string[] => {
  try {
    assertExplicitProductionSettings(validateEnvironment(raw), needs);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    return (error as InvalidEnvironmentError).problems.map((p) => p.variable);
  }
};

describe('assertExplicitProductionSettings', () => {
  it('lets embedded mode use its stand-ins', () => {
    expect(problemsOf({})).toEqual([]);
  });

  it.each([
    ['EVENTSTORE_URL', { EVENTSTORE_URL: external.EVENTSTORE_URL }],
    ['MONGO_URL', { MONGO_URL: external.MONGO_URL }],
  ])('with %s set, refuses a generated secret and the simulator, naming the variables', (_n, raw) => {
    expect(problemsOf(raw)).toEqual(['JWT_SECRET', 'PAYMENT_PROVIDER_URL']);
  });

  it('the message says what to set and how to opt in', () => {
    expect(() => assertExplicitProductionSettings(validateEnvironment(external), both)).toThrow(
      /JWT_SECRET.*JWT_EMBEDDED_SECRET=true[\s\S]*PAYMENT_PROVIDER_URL.*PAYMENT_SIMULATE=true/,
    );
  });

  it('accepts real settings', () => {
    expect(
      problemsOf({ ...external, JWT_SECRET: 's'.repeat(32), PAYMENT_PROVIDER_URL: 'https://psp.example' }),
    ).toEqual([]);
    expect(
      problemsOf({ ...external, JWT_JWKS_URL: 'https://idp.example/jwks', PAYMENT_SIMULATE: 'true' }),
    ).toEqual([]);
  });

  it('accepts the explicit opt-ins', () => {
    expect(problemsOf({ ...external, JWT_EMBEDDED_SECRET: 'true', PAYMENT_SIMULATE: 'true' })).toEqual([]);
  });

  it('asks only for what the process uses', () => {
    expect(problemsOf(external, { tokens: false, payments: true })).toEqual(['PAYMENT_PROVIDER_URL']);
    expect(problemsOf(external, { tokens: true, payments: false })).toEqual(['JWT_SECRET']);
  });
});
