import { EventStoreDBClient, WrongExpectedVersionError } from '@eventstore/db-client';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { SpanKind } from '@opentelemetry/api';
import { isDomainError } from '@shop/event-sourcing';
import { Metrics, streamCategory } from './metrics';
import { withSpan } from './tracing';

/**
 * Times and traces every command on the bus and every append to EventStoreDB, without each handler or the
 * event store having to: wraps `CommandBus.execute` and `EventStoreDBClient.appendToStream` of this app's
 * instances once at startup. Either may be absent (e.g. the CLI), then nothing is wrapped.
 */
@Injectable()
export class CommandInstrumentation implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.instrumentCommandBus(this.find(CommandBus));
    this.instrumentAppends(this.find(EventStoreDBClient));
  }

  private find<T>(token: abstract new (...args: never[]) => T): T | undefined {
    try {
      return this.moduleRef.get(token, { strict: false });
    } catch {
      return undefined;
    }
  }

  private instrumentCommandBus(bus: CommandBus | undefined): void {
    if (!bus) return;
    const execute = bus.execute.bind(bus);
    const metrics = this.metrics;
    bus.execute = (command: object) => {
      const name = command.constructor.name.replace(/Command$/, '');
      return withSpan(`command ${name}`, async () => {
        try {
          const result: unknown = await execute(command);
          metrics.recordCommand(name, 'ok');
          return result;
        } catch (error) {
          metrics.recordCommand(name, isDomainError(error) ? error.category : 'error');
          throw error;
        }
      });
    };
  }

  private instrumentAppends(client: EventStoreDBClient | undefined): void {
    if (!client) return;
    const append = client.appendToStream.bind(client);
    const metrics = this.metrics;
    client.appendToStream = ((streamName: string, ...rest: unknown[]) => {
      const category = streamCategory(streamName);
      return withSpan(
        `eventstore append ${category}`,
        async () => {
          const started = process.hrtime.bigint();
          try {
            return await (append as (...args: unknown[]) => Promise<unknown>)(streamName, ...rest);
          } catch (error) {
            if (error instanceof WrongExpectedVersionError) metrics.recordAppendConflict(category);
            throw error;
          } finally {
            metrics.observeAppend(category, Number(process.hrtime.bigint() - started) / 1e9);
          }
        },
        {
          kind: SpanKind.CLIENT,
          attributes: { 'db.system': 'eventstoredb', 'eventstore.stream': streamName },
        },
      );
    }) as EventStoreDBClient['appendToStream'];
  }
}
