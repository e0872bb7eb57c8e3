import { formatPosition, ProjectionManager } from '@shop/projections';
import { SubCommand } from 'nest-commander';
import { CheckFailedError, JsonCommand, type JsonOptions } from '../json-command';
import { print } from '../output';

@SubCommand({
  name: 'verify',
  arguments: '<name>',
  description: 'rebuild into a scratch collection and diff it against the live view (exit 1 on mismatch)',
})
export class ProjectionsVerifyCommand extends JsonCommand {
  constructor(private readonly projections: ProjectionManager) {
    super();
  }

  async execute([name]: string[], options: JsonOptions) {
    const report = await this.projections.verify(name!);
    const summary = { ...report, checkpoint: formatPosition(report.checkpoint) };
    if (report.ok) return summary;
    if (options.json) print(summary, true);
    else {
      process.stdout.write(`${name}: ${report.differences.length} difference(s) at ${summary.checkpoint}\n`);
      for (const d of report.differences) {
        process.stdout.write(`- ${d.collection} ${String(d.id)}: ${d.kind}\n`);
        if (d.live) process.stdout.write(`    live:     ${JSON.stringify(d.live)}\n`);
        if (d.expected) process.stdout.write(`    expected: ${JSON.stringify(d.expected)}\n`);
      }
    }
    throw new CheckFailedError(`${name} does not match a fresh rebuild`);
  }
}
