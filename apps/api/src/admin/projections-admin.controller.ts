import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@shop/auth';
import { DomainError, NotFoundError, RuleViolatedError } from '@shop/event-sourcing';
import { summarize } from '@shop/inspection';
import { formatPosition, ProjectionManager } from '@shop/projections';

/** Projection status and repairs. Status is for auditors too; changing anything is for admins. */
@ApiTags('admin')
@Controller('admin/projections')
export class ProjectionsAdminController {
  constructor(private readonly projections: ProjectionManager) {}

  @Get()
  @ApiOperation({ summary: 'Projections: position, lag, status and parked events' })
  @Roles('admin', 'auditor')
  async status() {
    return {
      projections: (await this.projections.status()).map((s) => ({
        ...s,
        checkpoint: formatPosition(s.checkpoint),
      })),
    };
  }

  /** Starts a zero-downtime rebuild and returns at once; follow it in GET /admin/projections. */
  @Post(':name/rebuild')
  @ApiOperation({ summary: 'Start a zero-downtime rebuild of a projection' })
  @HttpCode(202)
  @Roles('admin')
  rebuild(@Param('name') name: string) {
    // Refused before answering 202: a rebuild already under way, or one that cannot start, is a 409.
    this.projections.assertCanRebuild(name);
    void this.projections.rebuild(name).catch(() => undefined);
    return { name, state: 'rebuilding' };
  }

  @Get(':name/parked')
  @ApiOperation({ summary: "A projection's parked events" })
  @Roles('admin', 'auditor')
  async parked(@Param('name') name: string) {
    this.projections.assertExists(name);
    // The stored event carries bigints (revision, position): summarized, as the inspection endpoints do.
    return {
      parked: (await this.projections.parked.list(name)).map(({ event, ...entry }) => ({
        ...entry,
        event: summarize(event),
      })),
    };
  }

  @Post(':name/parked/:id/replay')
  @ApiOperation({ summary: 'Replay a parked event' })
  @HttpCode(200)
  @Roles('admin')
  async replay(@Param('name') name: string, @Param('id') id: string) {
    const replayed = await this.projections.replayParked(name, id).catch((error: unknown) => {
      // The event still fails with the current code: a 409 naming the reason, not an internal error.
      if (error instanceof DomainError) throw error;
      throw new RuleViolatedError(
        'parked_event_still_failing',
        `Parked event ${id} still fails: ${error instanceof Error ? error.message : String(error)}`,
        { name, id },
      );
    });
    if (!replayed) throw parkedNotFound(name, id);
    return { name, id, status: 'replayed' };
  }

  @Post(':name/parked/:id/skip')
  @ApiOperation({ summary: 'Skip a parked event for good' })
  @HttpCode(200)
  @Roles('admin')
  async skip(@Param('name') name: string, @Param('id') id: string) {
    if (!(await this.projections.skipParked(name, id))) throw parkedNotFound(name, id);
    return { name, id, status: 'skipped' };
  }
}

const parkedNotFound = (name: string, id: string) =>
  new NotFoundError('parked_event_not_found', `No parked event ${id} for ${name}`, { name, id });
