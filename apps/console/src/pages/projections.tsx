import { useState } from 'preact/hooks';
import { api, ApiError, body } from '../api/client';
import type { ParkedEntry, ProjectionStatus, RebuildRun, Session, VerifyReport } from '../api/types';
import { Json } from '../components/json';
import { FeedBadge, useFeed } from '../feed';
import { usePoll } from '../live';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Status of every projection and processor; rebuild, verify, and the parked events of each. */
export function ProjectionsPage({ session }: { session: Session }) {
  // The live feed moves state, checkpoint and lag; the slower poll brings parked counts (and covers a
  // dropped feed).
  const [live, setLive] = useState<ReadonlyMap<string, Partial<ProjectionStatus>>>(new Map());
  const feed = useFeed('/v1/admin/projections/live', (message) => {
    if (message.event === 'snapshot') {
      const { projections } = message.data as { projections: ProjectionStatus[] };
      setLive(new Map(projections.map((p) => [p.name, p])));
    } else if (message.event === 'status') {
      const change = message.data as Partial<ProjectionStatus> & { name: string };
      setLive((before) => new Map(before).set(change.name, { ...before.get(change.name), ...change }));
    }
  });
  const status = usePoll(
    async () => {
      const answer = await body<{ projections: ProjectionStatus[] }>(api.GET('/v1/admin/projections'));
      setLive(new Map());
      return answer;
    },
    feed === 'live' ? 10_000 : 2000,
  );
  const rows = (status.value?.projections ?? []).map((p) => {
    const { parked: _parked, ...moved } = live.get(p.name) ?? {};
    return { ...p, ...moved };
  });
  const [parkedOf, setParkedOf] = useState<string | null>(null);
  return (
    <section aria-labelledby="projections-title">
      <h1 id="projections-title">Projections</h1>
      <FeedBadge state={feed} />
      {status.error ? (
        <p role="alert" class="error">
          {status.error}
        </p>
      ) : null}
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">State</th>
            <th scope="col">Checkpoint</th>
            <th scope="col">Processed</th>
            <th scope="col">Lag</th>
            <th scope="col">Parked</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <ProjectionRow key={p.name} p={p} session={session} onParked={() => setParkedOf(p.name)} />
          ))}
        </tbody>
      </table>
      {parkedOf ? <ParkedEvents name={parkedOf} session={session} onChange={status.refresh} /> : null}
    </section>
  );
}

function ProjectionRow({
  p,
  session,
  onParked,
}: {
  p: ProjectionStatus;
  session: Session;
  onParked: () => void;
}) {
  const [run, setRun] = useState<RebuildRun | null>(null);
  const [verify, setVerify] = useState<VerifyReport | string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const path = { name: p.name };
  const follow = async () => {
    // Progress of the run this API process started, until it is done or failed.
    for (;;) {
      const current = await body<RebuildRun>(
        api.GET('/v1/admin/projections/{name}/rebuild', { params: { path } }),
      );
      setRun(current);
      if (current.state !== 'rebuilding') return;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  };
  const rebuild = async () => {
    setError(null);
    try {
      await body(api.POST('/v1/admin/projections/{name}/rebuild', { params: { path } }));
      await follow();
    } catch (e) {
      setError(message(e));
    }
  };
  const runVerify = async () => {
    setBusy(true);
    setVerify('verifying…');
    try {
      setVerify(
        await body<VerifyReport>(api.POST('/v1/admin/projections/{name}/verify', { params: { path } })),
      );
    } catch (e) {
      setVerify(message(e));
    } finally {
      setBusy(false);
    }
  };
  const progress = run?.progress;
  return (
    <tr data-projection={p.name}>
      <th scope="row">
        {p.name} <small>v{p.version}</small>
        {p.lastError ? <div class="error">{p.lastError}</div> : null}
      </th>
      <td>{p.kind}</td>
      <td class={`state state-${p.state}`}>{p.state}</td>
      <td>
        <code>{p.checkpoint ?? '–'}</code>
      </td>
      <td>{p.processed}</td>
      <td>{p.lagEvents === null ? '–' : `${p.lagEvents} ev / ${p.lagMs ?? 0} ms`}</td>
      <td>
        <button
          type="button"
          class="link"
          onClick={onParked}
          aria-label={`${p.parked} parked events of ${p.name}`}
        >
          {p.parked}
        </button>
      </td>
      <td>
        {p.kind === 'projection' && session.canChange ? (
          <div class="row">
            <button type="button" onClick={() => void rebuild()} disabled={run?.state === 'rebuilding'}>
              Rebuild
            </button>
            <button type="button" onClick={() => void runVerify()} disabled={busy}>
              Verify
            </button>
          </div>
        ) : null}
        {run ? (
          <div class="rebuild" role="status">
            <progress
              max={progress?.total || 1}
              value={progress?.processed ?? 0}
              aria-label={`Rebuild of ${p.name}`}
            />{' '}
            <span data-testid="rebuild-state">
              {run.state === 'done'
                ? `done: ${progress?.processed ?? 0} events`
                : run.state === 'failed'
                  ? `failed: ${run.error ?? ''}`
                  : `${progress?.processed ?? 0} / ${progress?.total ?? '?'} events${progress?.etaSeconds ? `, ~${progress.etaSeconds} s left` : ''}`}
            </span>
          </div>
        ) : null}
        {verify ? (
          <div role="status">
            {typeof verify === 'string'
              ? verify
              : verify.ok
                ? `verified: ${verify.compared} documents match`
                : `${verify.differences.length} differences`}
          </div>
        ) : null}
        {error ? (
          <div role="alert" class="error">
            {error}
          </div>
        ) : null}
      </td>
    </tr>
  );
}

function ParkedEvents({ name, session, onChange }: { name: string; session: Session; onChange: () => void }) {
  const parked = usePoll(
    () =>
      body<{ parked: ParkedEntry[] }>(
        api.GET('/v1/admin/projections/{name}/parked', { params: { path: { name } } }),
      ),
    3000,
    [name],
  );
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<string | null>(null);
  const act = async (id: string, action: 'replay' | 'skip') => {
    setOutcome(null);
    try {
      const params = { path: { name, id } };
      const options = { params, body: { reason: reason.trim() } };
      if (action === 'replay')
        await body(api.POST('/v1/admin/projections/{name}/parked/{id}/replay', options));
      else await body(api.POST('/v1/admin/projections/{name}/parked/{id}/skip', options));
      setOutcome(`${action === 'replay' ? 'Replayed' : 'Skipped'} ${id}`);
      parked.refresh();
      onChange();
    } catch (e) {
      setOutcome(e instanceof ApiError ? `${e.status}: ${e.message}` : message(e));
    }
  };
  const entries = parked.value?.parked ?? [];
  return (
    <section aria-labelledby="parked-title" class="parked">
      <h2 id="parked-title">Parked events of {name}</h2>
      {parked.error ? (
        <p role="alert" class="error">
          {parked.error}
        </p>
      ) : null}
      {outcome ? <p role="status">{outcome}</p> : null}
      {session.canChange ? (
        <p class="row">
          <label for="reason">Reason (recorded with a replay or skip)</label>
          <input id="reason" value={reason} size={50} onInput={(e) => setReason(e.currentTarget.value)} />
        </p>
      ) : null}
      {parked.value && entries.length === 0 ? <p>No parked events.</p> : null}
      {entries.map((entry) => (
        <article key={entry.id} class="card" data-parked={entry.id}>
          <h3>
            {entry.event.type} <small>{`${entry.event.stream}@${entry.event.revision}`}</small>
          </h3>
          <p class="error">
            {entry.error ? `${entry.error.name}: ${entry.error.message}` : 'failed'} ({entry.attempts ?? '?'}{' '}
            attempts, parked {entry.parkedAt ?? ''})
          </p>
          <Json value={entry.event.data} label="Parked event data" />
          {session.canChange ? (
            <p class="row">
              <button type="button" disabled={!reason.trim()} onClick={() => void act(entry.id, 'replay')}>
                Replay
              </button>
              <button type="button" disabled={!reason.trim()} onClick={() => void act(entry.id, 'skip')}>
                Skip
              </button>
              {!reason.trim() ? <span>Give a reason first.</span> : null}
            </p>
          ) : null}
        </article>
      ))}
    </section>
  );
}
