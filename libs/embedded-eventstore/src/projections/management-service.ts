import type { ServerWritableStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import type { StatisticsReq, StatisticsResp } from '@eventstore/db-client/generated/projections_pb';
import { projectionsPb, sharedPb, structPb } from '../protocol/generated';
import { RpcError } from '../protocol/rpc-errors';
import { unary } from '../protocol/unary';
import type { ProjectionStatistics, SystemProjections } from './system-projections';

const notFound = (name: string): RpcError =>
  new RpcError(status.NOT_FOUND, `Projection '${name}' not found.`);
const userProjectionsRefused = (): RpcError =>
  new RpcError(
    status.UNIMPLEMENTED,
    'embedded-eventstore runs only the standard system projections ($streams, $stream_by_category, ' +
      '$by_category, $by_event_type); user-defined JavaScript projections are not supported.',
  );

interface NamedReq {
  getOptions(): { getName(): string } | undefined;
}

const details = (stats: ProjectionStatistics): StatisticsResp => {
  const d = new projectionsPb.StatisticsResp.Details();
  d.setName(stats.name);
  d.setEffectivename(stats.name);
  d.setMode('Continuous');
  d.setStatus(stats.enabled ? 'Running' : 'Stopped');
  d.setStatereason('');
  d.setVersion(String(stats.version));
  d.setEpoch(String(stats.epoch));
  d.setCoreprocessingtime('0');
  d.setPosition(stats.checkpoint < 0 ? '' : `C:${stats.checkpoint}/P:${stats.checkpoint}`);
  d.setLastcheckpoint(stats.checkpoint < 0 ? '' : `C:${stats.checkpoint}/P:${stats.checkpoint}`);
  d.setProgress(stats.progress);
  d.setEventsprocessedafterrestart(String(stats.processedAfterRestart));
  d.setCheckpointstatus('');
  d.setBufferedevents('0');
  const resp = new projectionsPb.StatisticsResp();
  resp.setDetails(d);
  return resp;
};

/** Projection management for the native system projections (served only while they run, as on a real node). */
export const projectionsService = (projections: SystemProjections): UntypedServiceImplementation => {
  const named = (req: NamedReq): string => {
    const name = req.getOptions()?.getName() ?? '';
    if (!projections.has(name)) throw notFound(name);
    return name;
  };
  return {
    create: unary(() => Promise.reject(userProjectionsRefused())),
    update: unary(() => Promise.reject(userProjectionsRefused())),
    delete: unary(() => Promise.reject(userProjectionsRefused())),
    statistics: (call: ServerWritableStream<StatisticsReq, StatisticsResp>): void => {
      const options = call.request.getOptions();
      const all = projections.statistics();
      let chosen: ProjectionStatistics[];
      if (options?.hasName()) {
        chosen = all.filter((s) => s.name === options.getName());
        if (chosen.length === 0) return void call.emit('error', notFound(options.getName()));
      } else chosen = options?.hasAll() || options?.hasContinuous() ? all : [];
      for (const stats of chosen) call.write(details(stats));
      call.end();
    },
    enable: unary(async (req: NamedReq) => {
      await projections.setEnabled(named(req), true);
      return new projectionsPb.EnableResp();
    }),
    disable: unary(async (req: NamedReq) => {
      await projections.setEnabled(named(req), false);
      return new projectionsPb.DisableResp();
    }),
    reset: unary(async (req: NamedReq) => {
      await projections.reset(named(req));
      return new projectionsPb.ResetResp();
    }),
    // Native projections keep no state: a real node answers an empty state for them.
    state: unary((req: NamedReq) => {
      named(req);
      const resp = new projectionsPb.StateResp();
      resp.setState(structPb.Value.fromJavaScript(null) as never);
      return resp;
    }),
    result: unary((req: NamedReq) => {
      named(req);
      const resp = new projectionsPb.ResultResp();
      resp.setResult(structPb.Value.fromJavaScript(null) as never);
      return resp;
    }),
    restartSubsystem: unary(() => new sharedPb.Empty()),
  };
};
