export { DISCOVERY_FILE, type DiscoveryRecord, readDiscovery } from './discovery';
export { connectOrStartEmbedded, type Stack, type StackOptions } from './embedded-stack';
export { STACK, StackModule } from './stack.module';
