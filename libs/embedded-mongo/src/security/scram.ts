import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { saslprep } from '@mongodb-js/saslprep';

/** What mongod keeps for a SCRAM-SHA-256 user: never the password, only what verifies a proof. */
export interface ScramCredential {
  iterationCount: number;
  salt: string;
  storedKey: string;
  serverKey: string;
}

export const MECHANISM = 'SCRAM-SHA-256';
/** mongod's default `scramSHA256IterationCount`. */
export const ITERATIONS = 15_000;

const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

export const deriveCredential = (
  password: string,
  iterationCount = ITERATIONS,
  salt: Buffer = randomBytes(28),
): ScramCredential => {
  const salted = pbkdf2Sync(saslprep(password), salt, iterationCount, 32, 'sha256');
  return {
    iterationCount,
    salt: salt.toString('base64'),
    storedKey: sha256(hmac(salted, 'Client Key')).toString('base64'),
    serverKey: hmac(salted, 'Server Key').toString('base64'),
  };
};

/** RFC 5802 attribute list `a=1,b=2` (values may contain `=`). */
const attributes = (message: string): Map<string, string> =>
  new Map(
    message.split(',').map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
    }),
  );

const unescapeName = (name: string): string => name.replace(/=2C/g, ',').replace(/=3D/g, '=');

export class ScramError extends Error {}

/**
 * The server side of one SCRAM-SHA-256 conversation (RFC 7677): `start` takes the client-first message and
 * answers the server-first; `finish` checks the client proof and answers the server signature.
 */
export class ScramConversation {
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private credential: ScramCredential | undefined;
  username = '';

  start(
    clientFirst: string,
    lookup: (user: string) => ScramCredential | undefined,
    serverNonce: string = randomBytes(24).toString('base64'),
  ): string {
    // GS2 header: no channel binding ("n,,") or "y,," (client supports it, we do not offer it).
    const match = /^[ny],(?:a=[^,]*)?,(.*)$/.exec(clientFirst);
    if (!match) throw new ScramError('invalid SCRAM client-first message');
    this.clientFirstBare = match[1]!;
    const attrs = attributes(this.clientFirstBare);
    const user = attrs.get('n');
    const clientNonce = attrs.get('r');
    if (!user || !clientNonce) throw new ScramError('SCRAM client-first message lacks n= or r=');
    this.username = unescapeName(user);
    this.credential = lookup(this.username);
    this.nonce = clientNonce + serverNonce;
    // An unknown user gets a plausible challenge: the failure shows only at the proof, as for a bad password.
    const credential = this.credential ?? deriveCredential(randomBytes(16).toString('hex'), 1);
    this.serverFirst = `r=${this.nonce},s=${credential.salt},i=${this.credential?.iterationCount ?? ITERATIONS}`;
    return this.serverFirst;
  }

  /** Returns the server-final message; throws ScramError when the proof does not verify. */
  finish(clientFinal: string): string {
    const attrs = attributes(clientFinal);
    const proof = attrs.get('p');
    if (attrs.get('r') !== this.nonce || !proof) throw new ScramError('SCRAM nonce mismatch');
    const withoutProof = clientFinal.slice(0, clientFinal.lastIndexOf(',p='));
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const credential = this.credential;
    if (!credential) throw new ScramError('unknown user');
    const storedKey = Buffer.from(credential.storedKey, 'base64');
    const signature = hmac(storedKey, authMessage);
    const offered = Buffer.from(proof, 'base64');
    if (offered.length !== signature.length) throw new ScramError('bad proof');
    const clientKey = Buffer.from(offered.map((byte, i) => byte ^ signature[i]!));
    if (!timingSafeEqual(sha256(clientKey), storedKey)) throw new ScramError('bad proof');
    return `v=${hmac(Buffer.from(credential.serverKey, 'base64'), authMessage).toString('base64')}`;
  }
}
