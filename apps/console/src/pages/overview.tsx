import { useRef } from 'preact/hooks';
import { api, body } from '../api/client';
import type { Overview, Readiness } from '../api/types';
import { type Series, Spark } from '../components/chart';
import { FeedBadge, useFeed } from '../feed';
import { usePoll } from '../live';

const KEEP = 90;

interface Sample {
  overview: Overview;
  readiness: Readiness;
}

/** An overview sample with the events applied to views so far (counted from the live feed). */
type Point = Overview & { applied: number };

/** /health/ready answers 503 with the same body when something is down: both are shown. */
async function readiness(): Promise<Readiness> {
  const { data, error } = await api.GET('/health/ready');
  return (data ?? error ?? {}) as Readiness;
}

async function sample(): Promise<Sample> {
  const [overview, ready] = await Promise.all([body<Overview>(api.GET('/v1/admin/overview')), readiness()]);
  return { overview, readiness: ready };
}

/** Rates from the difference of consecutive samples of a counter. */
function rate(samples: Point[], pick: (o: Point) => number): Series {
  const times: number[] = [];
  const values: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1]!, samples[i]!];
    const seconds = (Date.parse(b.at) - Date.parse(a.at)) / 1000;
    times.push(Date.parse(b.at) / 1000);
    values.push(seconds > 0 ? Math.max(0, pick(b) - pick(a)) / seconds : 0);
  }
  return { times, values };
}

const gauge = (samples: Point[], pick: (o: Point) => number): Series => ({
  times: samples.map((s) => Date.parse(s.at) / 1000),
  values: samples.map(pick),
});

export function OverviewPage() {
  const history = useRef<Point[]>([]);
  // Distinct log positions in the view-change feed: events the read side applied (several views may
  // change for one event).
  const applied = useRef({ count: 0, last: '' });
  const feed = useFeed('/v1/admin/events/live', (message) => {
    const { position } = message.data as { position?: string };
    if (position && position !== applied.current.last)
      applied.current = { count: applied.current.count + 1, last: position };
  });
  const { value, error } = usePoll(async () => {
    const next = await sample();
    history.current = [...history.current, { ...next.overview, applied: applied.current.count }].slice(-KEEP);
    return next;
  }, 2000);
  const samples = history.current;
  const dependencies = value?.readiness.details ?? {};
  const o = value?.overview;
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      {error ? (
        <p role="alert" class="error">
          {error}
        </p>
      ) : null}
      <FeedBadge state={feed} />
      <div class="charts">
        <Spark title="Commands" unit="/s" series={rate(samples, (s) => s.commands)} />
        <Spark title="Event appends" unit="/s" series={rate(samples, (s) => s.appends)} />
        <Spark title="Events applied to views" unit="/s" series={rate(samples, (s) => s.applied)} />
        <Spark
          title="Projection lag (max)"
          unit="events"
          series={gauge(samples, (s) => Math.max(0, ...s.projections.map((p) => p.lagEvents ?? 0)))}
        />
      </div>
      <div class="cards">
        <div class="card">
          <h2>Dependencies</h2>
          <p>
            Readiness:{' '}
            <strong class={`state state-${value?.readiness.status ?? 'unknown'}`}>
              {value?.readiness.status ?? '…'}
            </strong>
          </p>
          <ul class="plain">
            {Object.entries(dependencies).map(([name, detail]) => (
              <li key={name}>
                <span class={`dot state-${detail.status}`} aria-hidden="true" /> {name}: {detail.status}
              </li>
            ))}
          </ul>
        </div>
        <div class="card">
          <h2>Parked events</h2>
          <p class="big" data-testid="parked-total">
            {o?.parked ?? '…'}
          </p>
          <a href="#/projections">Projections and parked events</a>
        </div>
        <div class="card">
          <h2>Circuit breakers</h2>
          <ul class="plain">
            {Object.entries(o?.breakers ?? {}).map(([name, state]) => (
              <li key={name}>
                {name}: <strong class={`state state-${state}`}>{state}</strong>
              </li>
            ))}
          </ul>
        </div>
        <div class="card">
          <h2>Broker</h2>
          {!o ? (
            <p>…</p>
          ) : o.broker.configured ? (
            <ul class="plain">
              <li>published: {o.broker.published}</li>
              <li>confirms failed: {o.broker.confirmsFailed}</li>
              <li>
                dead letters: {o.broker.deadLetters ?? 'broker not answering'} (<a href="#/broker">inspect</a>
                )
              </li>
            </ul>
          ) : (
            <p>Integration over RabbitMQ is off (AMQP_URL is not set).</p>
          )}
        </div>
      </div>
      <h2>Projection lag</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Projection</th>
            <th scope="col">State</th>
            <th scope="col">Lag (events)</th>
            <th scope="col">Lag (ms)</th>
            <th scope="col">Parked</th>
          </tr>
        </thead>
        <tbody>
          {(o?.projections ?? []).map((p) => (
            <tr key={p.name}>
              <th scope="row">{p.name}</th>
              <td class={`state state-${p.state}`}>{p.state}</td>
              <td>{p.lagEvents ?? '–'}</td>
              <td>{p.lagMs ?? '–'}</td>
              <td>{p.parked}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
