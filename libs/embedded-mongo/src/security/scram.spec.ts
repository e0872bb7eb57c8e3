import { deriveCredential, ScramConversation, ScramError } from './scram';

// The SCRAM-SHA-256 exchange of RFC 7677, section 3 (user "user", password "pencil").
const SALT = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
const CLIENT_FIRST = 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO';
const SERVER_NONCE = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
const CLIENT_FINAL_NO_PROOF = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const PROOF = 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';

describe('SCRAM-SHA-256 server side', () => {
  const credential = deriveCredential('pencil', 4096, SALT);
  const lookup = (user: string) => (user === 'user' ? credential : undefined);

  it('answers the RFC 7677 exchange byte for byte', () => {
    const scram = new ScramConversation();
    expect(scram.start(CLIENT_FIRST, lookup, SERVER_NONCE)).toBe(SERVER_FIRST);
    expect(scram.finish(`${CLIENT_FINAL_NO_PROOF},p=${PROOF}`)).toBe(SERVER_FINAL);
    expect(scram.username).toBe('user');
  });

  it('refuses a wrong proof, a changed nonce and an unknown user alike', () => {
    const wrong = new ScramConversation();
    wrong.start(CLIENT_FIRST, lookup, SERVER_NONCE);
    const badProof = Buffer.from(PROOF, 'base64');
    badProof[0] = badProof[0]! ^ 1;
    expect(() => wrong.finish(`${CLIENT_FINAL_NO_PROOF},p=${badProof.toString('base64')}`)).toThrow(
      ScramError,
    );

    const replay = new ScramConversation();
    replay.start(CLIENT_FIRST, lookup);
    expect(() => replay.finish(`${CLIENT_FINAL_NO_PROOF},p=${PROOF}`)).toThrow(ScramError);

    const unknown = new ScramConversation();
    expect(unknown.start('n,,n=nobody,r=abc', lookup, 'def')).toMatch(/^r=abcdef,s=[^,]+,i=15000$/);
    expect(() => unknown.finish(`c=biws,r=abcdef,p=${PROOF}`)).toThrow(ScramError);
    expect(() => new ScramConversation().start('garbage', lookup)).toThrow(ScramError);
  });

  it('stores salted keys, never the password', () => {
    expect(JSON.stringify(deriveCredential('pencil'))).not.toContain('pencil');
  });
});
