export { AppConfig } from './app-config';
export { AppConfigModule } from './app-config.module';
export {
  Environment,
  environmentVariableNames,
  InvalidEnvironmentError,
  LOG_LEVELS,
  type LogLevel,
  validateEnvironment,
} from './environment';
export { assertExplicitProductionSettings, type ProcessNeeds } from './production-settings';
export { parseTrustProxy, type TrustProxy } from './trust-proxy';
