import { type DynamicModule, Module } from '@nestjs/common';
import { type ProjectionDefinition } from '@shop/event-sourcing';
import { type ProcessorDefinition } from './event-processor';
import {
  PROCESSORS,
  type ProjectionEngineOptions,
  PROJECTION_OPTIONS,
  ProjectionManager,
  PROJECTIONS,
} from './projection-manager';

type Token = string | symbol | (abstract new (...args: never[]) => unknown);

export interface ProjectionsModuleOptions {
  projections: ProjectionDefinition[];
  /** Process managers and jobs driven by the same kind of checkpointed subscription; built with DI. */
  processors?: { inject: Token[]; useFactory: (...args: never[]) => ProcessorDefinition[] };
  /** Engine options (batch size, leases, whether this process runs the workers at all). */
  options?: { inject: Token[]; useFactory: (...args: never[]) => Partial<ProjectionEngineOptions> };
}

/**
 * Registers projections and processors with the engine. Needs the global Mongo and EventStore modules
 * (MONGO_CLIENT, MONGO_DB, EventStoreDBClient, EventSerializer).
 */
@Module({})
export class ProjectionsModule {
  static forRoot(options: ProjectionsModuleOptions): DynamicModule {
    return {
      module: ProjectionsModule,
      global: true,
      providers: [
        { provide: PROJECTIONS, useValue: options.projections },
        options.processors
          ? { provide: PROCESSORS, ...options.processors }
          : { provide: PROCESSORS, useValue: [] },
        options.options
          ? { provide: PROJECTION_OPTIONS, ...options.options }
          : { provide: PROJECTION_OPTIONS, useValue: {} },
        ProjectionManager,
      ],
      exports: [ProjectionManager],
    };
  }
}
