// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** PEM text of a CA and of a node certificate it signed, with their private keys. */
export interface CertificateSet {
  caCert: string;
  caKey: string;
  nodeCert: string;
  nodeKey: string;
}

export interface GenerateOptions {
  /** Names the node certificate is valid for; default: the loopback names. */
  dnsNames?: string[];
  ipAddresses?: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** Sign the node certificate with this existing CA instead of a new one. */
  ca?: { cert: string; key: string };
  commonName?: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 60 * 60 * 1000;
export const LOOPBACK_DNS = ['localhost'];
export const LOOPBACK_IPS = ['127.0.0.1', '::1'];

const crypto = webcrypto;
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const serial = (): string => Buffer.from(webcrypto.getRandomValues(new Uint8Array(12))).toString('hex');

const keyPair = async (): Promise<CryptoKeyPair> =>
  await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);

const pemOfKey = async (key: CryptoKey): Promise<string> =>
  x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');

const importKey = async (pem: string): Promise<CryptoKey> =>
  crypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(pem), ALGORITHM, true, ['sign']);

const createCa = async (
  notBefore: Date,
  notAfter: Date,
): Promise<{ cert: x509.X509Certificate; key: CryptoKey }> => {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial(),
      name: 'CN=eventshop embedded CA',
      notBefore,
      notAfter,
      signingAlgorithm: ALGORITHM,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { cert, key: keys.privateKey };
};

/**
 * A CA and a node certificate for TLS on loopback (server and client auth, so one set serves both
 * embedded servers). ECDSA P-256: generated in milliseconds, accepted by Node's TLS and gRPC.
 */
export const generateCertificates = async (options: GenerateOptions = {}): Promise<CertificateSet> => {
  const notBefore = options.notBefore ?? new Date(Date.now() - DAY);
  const notAfter = options.notAfter ?? new Date(Date.now() + 825 * DAY);
  const ca = options.ca
    ? { cert: new x509.X509Certificate(options.ca.cert), key: await importKey(options.ca.key) }
    : await createCa(notBefore, new Date(Math.max(notAfter.getTime(), Date.now() + 3650 * DAY)));
  const keys = await keyPair();
  const names = [
    ...(options.dnsNames ?? LOOPBACK_DNS).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? LOOPBACK_IPS).map((value) => ({ type: 'ip' as const, value })),
  ];
  const node = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(),
      subject: `CN=${options.commonName ?? 'eventshop-node'}`,
      issuer: ca.cert.subject,
      notBefore,
      notAfter,
      signingAlgorithm: ALGORITHM,
      publicKey: keys.publicKey,
      signingKey: ca.key,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([
          x509.ExtendedKeyUsage.serverAuth,
          x509.ExtendedKeyUsage.clientAuth,
        ]),
        new x509.SubjectAlternativeNameExtension(names),
        await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return {
    caCert: ca.cert.toString('pem'),
    caKey: options.ca?.key ?? (await pemOfKey(ca.key)),
    nodeCert: node.toString('pem'),
    nodeKey: await pemOfKey(keys.privateKey),
  };
};

/** Milliseconds until the PEM certificate expires (negative once it has). */
export const expiresIn = (certPem: string): number =>
  new x509.X509Certificate(certPem).notAfter.getTime() - Date.now();
