import { ProjectionManager, type RebuildProgress } from '@shop/projections';
import { Option, SubCommand } from 'nest-commander';
import { JsonCommand, type JsonOptions } from '../json-command';
import { rebuildProgressBar } from './progress-bar';

interface RebuildOptions extends JsonOptions {
  all?: boolean;
  inPlace?: boolean;
}

@SubCommand({
  name: 'rebuild',
  arguments: '[name]',
  description: 'zero-downtime rebuild (shadow collections, then an atomic swap); --in-place stops the world',
})
export class ProjectionsRebuildCommand extends JsonCommand<RebuildOptions> {
  constructor(private readonly projections: ProjectionManager) {
    super();
  }

  async execute([name]: string[], options: RebuildOptions) {
    if (!name && !options.all) throw new Error('name a projection, or pass --all');
    const names = options.all ? this.projections.list().map((p) => p.name) : [name!];
    const results: (RebuildProgress & { name: string; mode: string })[] = [];
    for (const projection of names) {
      this.projections.definition(projection);
      const bar = options.json ? undefined : rebuildProgressBar(projection);
      try {
        if (options.inPlace) {
          // The CLI runs no workers: reset replays up to the head itself, so the counts below are final.
          await this.projections.reset(projection, (processed) =>
            bar?.update({ processed, total: processed, eventsPerSecond: 0, etaSeconds: null, done: false }),
          );
          const status = (await this.projections.status()).find((s) => s.name === projection)!;
          results.push({
            name: projection,
            mode: 'in-place',
            processed: status.processed,
            total: status.processed,
            eventsPerSecond: 0,
            etaSeconds: 0,
            done: true,
          });
        } else {
          const result = await this.projections.rebuild(projection, (p) => bar?.update(p));
          results.push({ name: projection, mode: 'shadow', ...result });
        }
      } finally {
        bar?.stop();
      }
    }
    return results;
  }

  @Option({ flags: '--all', description: 'rebuild every projection' })
  parseAll(): boolean {
    return true;
  }

  @Option({
    flags: '--in-place',
    description: 'drop the view and replay into it (the view is empty meanwhile)',
  })
  parseInPlace(): boolean {
    return true;
  }
}
