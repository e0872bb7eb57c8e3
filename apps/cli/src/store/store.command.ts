import * as path from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@shop/config';
import { type LogProblem, salvageStore, verifyStore } from '@shop/embedded-eventstore';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { CheckFailedError, JsonCommand, type JsonOptions } from '../json-command';
import { print } from '../output';

/** The embedded EventStoreDB's files: DATA_DIR/eventstore unless --dir names another store. */
@Injectable()
export class StoreLocation {
  constructor(private readonly config: AppConfig) {}

  eventStoreDir(dir: string | undefined): string {
    return path.resolve(dir ?? path.join(this.config.dataDir, 'eventstore'));
  }
}

interface StoreOptions extends JsonOptions {
  dir?: string;
}

const describe = (p: LogProblem) => ({
  file: p.file,
  offset: p.offset,
  reason: p.reason,
  recordsAfter: p.recordsAfter,
  verdict: p.tornTail ? 'torn tail (cut on start)' : 'damage (start refuses)',
});

abstract class StoreCommandBase extends JsonCommand<StoreOptions> {
  @Option({ flags: '--dir <path>', description: 'the store directory (default: DATA_DIR/eventstore)' })
  parseDir(value: string): string {
    return value;
  }
}

@SubCommand({
  name: 'verify',
  description: 'check every record of the embedded event store, modifying nothing (exit 1 on damage)',
})
export class StoreVerifyCommand extends StoreCommandBase {
  constructor(private readonly location: StoreLocation) {
    super();
  }

  async execute(_params: string[], options: StoreOptions) {
    const report = await verifyStore(this.location.eventStoreDir(options.dir));
    const summary = { ...report, problems: report.problems.map(describe) };
    if (report.ok) return options.json ? summary : { ...summary, problems: summary.problems.length };
    if (options.json) print(summary, true);
    else {
      process.stdout.write(`${report.dir}: ${report.validRecords} valid record(s)\n`);
      print(summary.problems, false, { wide: options.wide ?? false });
    }
    throw new CheckFailedError(
      `the event store in ${report.dir} is damaged; \`eventshop store salvage --to <dir>\` copies every valid record out`,
    );
  }
}

interface SalvageOptions extends StoreOptions {
  to?: string;
}

@SubCommand({
  name: 'salvage',
  description: 'copy every valid record of the embedded event store into a new store directory',
})
export class StoreSalvageCommand extends StoreCommandBase {
  constructor(private readonly location: StoreLocation) {
    super();
  }

  @Option({
    flags: '--to <dir>',
    description: 'the new store directory (must not exist or be empty)',
    required: true,
  })
  parseTo(value: string): string {
    return value;
  }

  async execute(_params: string[], options: SalvageOptions) {
    const report = await salvageStore(this.location.eventStoreDir(options.dir), path.resolve(options.to!));
    return {
      ...report,
      problems: report.problems.map(describe),
      next:
        `move ${report.to} in place of ${report.from} (keep the damaged copy), then rebuild every ` +
        'projection: positions in the new log differ from the old one',
    };
  }
}

@Command({
  name: 'store',
  description: 'the embedded event store on disk: verify, salvage (works while a start refuses)',
  subCommands: [StoreVerifyCommand, StoreSalvageCommand],
})
export class StoreCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.outputHelp();
    return Promise.resolve();
  }
}
