import { formatPosition, ProjectionManager } from '@shop/projections';
import { SubCommand } from 'nest-commander';
import { JsonCommand } from '../json-command';

@SubCommand({
  name: 'list',
  description: 'name, version, state, checkpoint, lag and parked count of every projection and processor',
})
export class ProjectionsListCommand extends JsonCommand {
  constructor(private readonly projections: ProjectionManager) {
    super();
  }

  async execute() {
    return (await this.projections.status()).map((s) => ({
      name: s.name,
      kind: s.kind,
      version: s.version,
      state: s.state,
      checkpoint: formatPosition(s.checkpoint),
      processed: s.processed,
      lagEvents: s.lagEvents,
      lagMs: s.lagMs,
      parked: s.parked,
      owner: s.owner,
    }));
  }
}
