import { Module } from '@nestjs/common';
import { AGGREGATE_RESOLVER, InspectionService } from '@shop/inspection';
import { deciderForStream } from '@shop/workers';
import { BrokerAdminController } from './broker-admin.controller';
import { ConsoleAdminController } from './console-admin.controller';
import { LiveAdminController } from './live-admin.controller';
import { ProjectionsAdminController } from './projections-admin.controller';
import { RebuildTracker } from './rebuild-tracker';
import { StreamsAdminController } from './streams-admin.controller';

/** /v1/admin: event stream inspection, projection operations and dead letters, for auditors and admins. */
@Module({
  controllers: [
    StreamsAdminController,
    ProjectionsAdminController,
    BrokerAdminController,
    ConsoleAdminController,
    LiveAdminController,
  ],
  providers: [{ provide: AGGREGATE_RESOLVER, useValue: deciderForStream }, InspectionService, RebuildTracker],
})
export class AdminModule {}
