import { Module } from '@nestjs/common';
import { AppConfigModule } from '@shop/config';
import { StoreCommand, StoreLocation, StoreSalvageCommand, StoreVerifyCommand } from './store.command';

/**
 * `eventshop store ...` reads the files directly: it must work exactly when the servers refuse to start,
 * so it builds neither the platform (which would connect to them or start the embedded ones) nor workers.
 */
@Module({
  imports: [AppConfigModule],
  providers: [StoreLocation, StoreCommand, StoreVerifyCommand, StoreSalvageCommand],
})
export class StoreCliModule {}
