import { type Type } from '@nestjs/common';

/**
 * The module each top-level command needs, loaded alone: `config` reads the environment, `auth` needs the
 * signing key, `streams`/`events`/`trace` EventStoreDB only, `store` the files, `broker` RabbitMQ only; the
 * rest the whole platform.
 */
export async function cliModuleFor(command: string): Promise<Type> {
  switch (command) {
    case 'config':
      return (await import('./config/config-cli.module')).ConfigCliModule;
    case 'auth':
      return (await import('./auth/auth-cli.module')).AuthCliModule;
    case 'streams':
    case 'events':
    case 'trace':
      return (await import('./eventstore-cli.module')).EventStoreCliModule;
    case 'broker':
      return (await import('./broker/broker-cli.module')).BrokerCliModule;
    case 'store':
      // reads the files itself: it must work exactly when the servers refuse to start
      return (await import('./store/store-cli.module')).StoreCliModule;
    default:
      return (await import('./cli.module')).CliModule;
  }
}
