export { MONGO_CLIENT, MONGO_DB, MongoModule, type MongoOptions, redact } from './mongo.module';
