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
          // The CLI runs no workers: reset replays up to the head itself, and reports its last progress done.
          let last: RebuildProgress | undefined;
          await this.projections.reset(projection, (p) => {
            last = p;
            bar?.update(p);
          });
          if (!last) throw new Error(`${projection}: the replay reported no progress`);
          results.push({ name: projection, mode: 'in-place', ...last });
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
