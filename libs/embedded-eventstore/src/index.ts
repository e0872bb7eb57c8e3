export { startEmbeddedEventStore } from './server';
export type { EmbeddedEventStore, EmbeddedEventStoreOptions } from './server';
export { LOCK_FILE_NAME } from './storage/lock-file';
export type { RecoveryReport } from './storage/recovery';
export type { EmbeddedEventStoreSecurity } from './security/setup';
export { DEFAULT_USERS } from './security/users';
export type { EsdbUser } from './security/users';
export { salvageStore, verifyStore } from './storage/store-check';
export type { SalvageReport, StoreVerifyReport } from './storage/store-check';
export type { LogProblem } from './storage/log-scan';
export { StoreCorruptionError } from './storage/store-corruption-error';
/** The log on disk without a server: for tooling and the reliability suite. */
export { openSegmentLog } from './storage/recovery';
export { scanLog } from './storage/log-scan';
