import { type DynamicModule, Module } from '@nestjs/common';
import { type ProjectionDefinition } from '@shop/event-sourcing';
import {
  type ProjectionEngineOptions,
  PROJECTION_OPTIONS,
  ProjectionManager,
  PROJECTIONS,
  PROCESSORS,
} from './projection-manager';
import { type ProcessorDefinition } from './event-processor';

export interface ProjectionsModuleOptions {
  projections: ProjectionDefinition[];
  /** Process managers and jobs driven by the same kind of checkpointed subscription. */
  processors?: ProcessorDefinition[];
  useFactory?: (...args: never[]) => Partial<ProjectionEngineOptions>;
  inject?: (string | symbol | (abstract new (...args: never[]) => unknown))[];
}

/**
 * Registers projection definitions with the engine. Needs the global Mongo and EventStore modules
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
        { provide: PROCESSORS, useValue: options.processors ?? [] },
        {
          provide: PROJECTION_OPTIONS,
          inject: options.inject ?? [],
          useFactory: options.useFactory ?? (() => ({})),
        },
        ProjectionManager,
      ],
      exports: [ProjectionManager],
    };
  }
}
