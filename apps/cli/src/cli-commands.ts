import { AuthCommand, AuthTokenCommand } from './auth/auth.command';
import {
  BrokerCommand,
  DlqCommand,
  DlqListCommand,
  DlqPurgeCommand,
  DlqReplayCommand,
} from './broker/broker.command';
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
import { StoreCommand, StoreSalvageCommand, StoreVerifyCommand } from './store/store.command';
import {
  StreamsCommand,
  StreamsDiffCommand,
  StreamsListCommand,
  StreamsReadCommand,
  StreamsStateCommand,
  StreamsTailCommand,
} from './streams/streams.command';

/** Every command of the CLI, in the order help lists them. */
export const COMMANDS = [
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
  StoreCommand,
  StoreVerifyCommand,
  StoreSalvageCommand,
  BrokerCommand,
  DlqCommand,
  DlqListCommand,
  DlqReplayCommand,
  DlqPurgeCommand,
];
