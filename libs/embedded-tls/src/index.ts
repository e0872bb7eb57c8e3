export { generateCertificates, LOOPBACK_DNS, LOOPBACK_IPS } from './certificates';
export type { CertificateSet, GenerateOptions } from './certificates';
export { ensureTlsFiles, readTlsFiles, TLS_DIR_NAME } from './tls-files';
export type { TlsFiles, TlsMaterial } from './tls-files';
