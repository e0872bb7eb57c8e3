import { Module } from '@nestjs/common';
import { TokenModule } from '@shop/auth';
import { AGGREGATE_RESOLVER, InspectionService } from '@shop/inspection';
import { PlatformModule } from '@shop/platform';
import { deciderForStream, WorkersModule } from '@shop/workers';
import { AuthCommand, AuthTokenCommand } from './auth/auth.command';
import { ConfigCommand } from './config/config.command';
import { EventsCommand, EventsSearchCommand, TraceCommand } from './events/events.command';
import {
  ParkedCommand,
  ParkedListCommand,
  ParkedReplayCommand,
  ParkedSkipCommand,
} from './projections/parked.command';
import { ProjectionsListCommand } from './projections/projections-list.command';
import { ProjectionsRebuildCommand } from './projections/projections-rebuild.command';
import { ProjectionsResetCommand } from './projections/projections-reset.command';
import { ProjectionsVerifyCommand } from './projections/projections-verify.command';
import { ProjectionsCommand } from './projections/projections.command';
import {
  StreamsCommand,
  StreamsDiffCommand,
  StreamsListCommand,
  StreamsReadCommand,
  StreamsStateCommand,
  StreamsTailCommand,
} from './streams/streams.command';

/** The CLI runs no workers itself (RUN_WORKERS=false): it operates on the projections wherever they run. */
@Module({
  imports: [PlatformModule, WorkersModule, TokenModule],
  providers: [
    { provide: AGGREGATE_RESOLVER, useValue: deciderForStream },
    InspectionService,
    ConfigCommand,
    ProjectionsCommand,
    ProjectionsListCommand,
    ProjectionsRebuildCommand,
    ProjectionsResetCommand,
    ProjectionsVerifyCommand,
    ParkedCommand,
    ParkedListCommand,
    ParkedReplayCommand,
    ParkedSkipCommand,
    StreamsCommand,
    StreamsListCommand,
    StreamsReadCommand,
    StreamsTailCommand,
    StreamsStateCommand,
    StreamsDiffCommand,
    EventsCommand,
    EventsSearchCommand,
    TraceCommand,
    AuthCommand,
    AuthTokenCommand,
  ],
})
export class CliModule {}
