import { AppConfig } from '@shop/config';
import { Command, CommandRunner, Option } from 'nest-commander';
import { print } from '../output';
import { maskUrl } from './mask-url';

/** Reads the environment only: it never connects, so it works exactly when the servers do not. */
@Command({
  name: 'config',
  description: 'Show the resolved configuration (embedded or external servers; passwords masked)',
})
export class ConfigCommand extends CommandRunner {
  constructor(private readonly config: AppConfig) {
    super();
  }

  run(_params: string[], options: { json?: boolean }): Promise<void> {
    print(
      {
        eventStore: this.config.eventStoreUrl ? maskUrl(this.config.eventStoreUrl) : 'embedded',
        mongo: this.config.mongoUrl ? maskUrl(this.config.mongoUrl) : 'embedded',
        mongoDatabase: this.config.mongoDatabase,
        dataDir: this.config.dataDir,
        logLevel: this.config.logLevel,
      },
      options.json ?? false,
      // URLs and paths are the point of this command: never shortened.
      { wide: true },
    );
    return Promise.resolve();
  }

  @Option({ flags: '--json', description: 'Print JSON for scripts' })
  parseJson(): boolean {
    return true;
  }
}
