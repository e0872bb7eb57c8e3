export { startEmbeddedMongo, type EmbeddedMongo, type EmbeddedMongoOptions } from './server/start';
export type { EmbeddedMongoSecurity } from './security/setup';
export type { BootstrapUser } from './security/user-store';
export { MongoStorageCorruptionError } from './storage/journal';
/** The storage without a server: for tooling and the reliability suite. */
export { Storage } from './storage/storage';
export { scanFrames } from './storage/journal';
