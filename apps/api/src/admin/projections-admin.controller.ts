import { Body, Controller, Get, HttpCode, Logger, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@shop/auth';
import { DomainError, NotFoundError, RuleViolatedError } from '@shop/event-sourcing';
import { summarize } from '@shop/inspection';
import { formatPosition, ProjectionManager } from '@shop/projections';
import { ParkedActionDto } from './admin.dto';
import { RebuildTracker } from './rebuild-tracker';

/** Projection status and repairs. Status is for auditors too; changing anything is for admins. */
@ApiTags('admin')
@Controller('admin/projections')
export class ProjectionsAdminController {
  private readonly logger = new Logger('ProjectionsAdmin');

  constructor(
    private readonly projections: ProjectionManager,
    private readonly rebuilds: RebuildTracker,
  ) {}

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
    this.rebuilds.track(name, (onProgress) => this.projections.rebuild(name, onProgress));
    return { name, state: 'rebuilding' };
  }

  @Get(':name/rebuild')
  @ApiOperation({ summary: 'The last rebuild started through this process: state and progress' })
  @Roles('admin', 'auditor')
  lastRebuild(@Param('name') name: string) {
    this.projections.assertExists(name);
    const run = this.rebuilds.last(name);
    if (!run) throw new NotFoundError('no_rebuild', `No rebuild of ${name} was started here`, { name });
    return run;
  }

  /** Replays into scratch collections up to the live checkpoint and compares; live updates pause meanwhile. */
  @Post(':name/verify')
  @ApiOperation({ summary: 'Rebuild a projection aside and compare it with the live view' })
  @HttpCode(200)
  @Roles('admin')
  async verify(@Param('name') name: string) {
    this.projections.assertExists(name);
    const report = await this.projections.verify(name);
    return { ...report, checkpoint: formatPosition(report.checkpoint) };
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
  async replay(
    @Param('name') name: string,
    @Param('id') id: string,
    @Body() body: ParkedActionDto,
    @CurrentUser() user: AuthUser,
  ) {
    const resolution = { by: user.sub, reason: body.reason ?? null };
    const replayed = await this.projections.replayParked(name, id, resolution).catch((error: unknown) => {
      // The event still fails with the current code: a 409 naming the reason, not an internal error.
      if (error instanceof DomainError) throw error;
      throw new RuleViolatedError(
        'parked_event_still_failing',
        `Parked event ${id} still fails: ${error instanceof Error ? error.message : String(error)}`,
        { name, id },
      );
    });
    if (!replayed) throw parkedNotFound(name, id);
    this.audit('replayed', name, id, user, body.reason);
    return { name, id, status: 'replayed' };
  }

  @Post(':name/parked/:id/skip')
  @ApiOperation({ summary: 'Skip a parked event for good' })
  @HttpCode(200)
  @Roles('admin')
  async skip(
    @Param('name') name: string,
    @Param('id') id: string,
    @Body() body: ParkedActionDto,
    @CurrentUser() user: AuthUser,
  ) {
    const resolution = { by: user.sub, reason: body.reason ?? null };
    if (!(await this.projections.skipParked(name, id, resolution))) throw parkedNotFound(name, id);
    this.audit('skipped', name, id, user, body.reason);
    return { name, id, status: 'skipped' };
  }

  private audit(action: string, name: string, id: string, user: AuthUser, reason: string | undefined) {
    const why = reason ? `reason: ${JSON.stringify(reason)}` : 'no reason given';
    this.logger.log(`parked event ${id} of ${name} ${action} by ${user.sub} (${why})`);
  }
}

const parkedNotFound = (name: string, id: string) =>
  new NotFoundError('parked_event_not_found', `No parked event ${id} for ${name}`, { name, id });
