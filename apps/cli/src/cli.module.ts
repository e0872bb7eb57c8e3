import { Module } from '@nestjs/common';
import { TokenModule } from '@shop/auth';
import { AGGREGATE_RESOLVER, InspectionService } from '@shop/inspection';
import { PlatformModule } from '@shop/platform';
import { deciderForStream, WorkersModule } from '@shop/workers';
import { BrokerDeadLetters } from './broker/broker-dead-letters';
import { COMMANDS } from './cli-commands';
import { StoreLocation } from './store/store.command';

/** The CLI runs no workers itself (RUN_WORKERS=false): it operates on the projections wherever they run. */
@Module({
  imports: [PlatformModule, WorkersModule, TokenModule],
  providers: [
    { provide: AGGREGATE_RESOLVER, useValue: deciderForStream },
    InspectionService,
    StoreLocation,
    BrokerDeadLetters,
    ...COMMANDS,
  ],
})
export class CliModule {}
