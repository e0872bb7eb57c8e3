export { AppConfig } from './app-config';
export { AppConfigModule } from './app-config.module';
export {
  Environment,
  InvalidEnvironmentError,
  LOG_LEVELS,
  type LogLevel,
  validateEnvironment,
} from './environment';
