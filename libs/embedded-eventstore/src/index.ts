export { startEmbeddedEventStore } from './server';
export type { EmbeddedEventStore, EmbeddedEventStoreOptions } from './server';
export { LOCK_FILE_NAME } from './storage/lock-file';
export type { RecoveryReport } from './storage/recovery';
export type { EmbeddedEventStoreSecurity } from './security/setup';
export { DEFAULT_USERS } from './security/users';
export type { EsdbUser } from './security/users';
