import { useState } from 'preact/hooks';
import { api, ApiError, body } from '../api/client';
import type { DeadLetter, Session } from '../api/types';
import { usePoll } from '../live';

/** The body as formatted JSON when it is JSON, else as it came (text either way, never markup). */
const pretty = (text: string) => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

/** Inbound messages from partners that failed every attempt: read them, send them back, or drop them. */
export function BrokerPage({ session }: { session: Session }) {
  const letters = usePoll(
    () =>
      body<{ deadLetters: DeadLetter[] }>(
        api.GET('/v1/admin/broker/dead-letters', { params: { query: { limit: 200 } } }),
      ),
    3000,
  );
  const [outcome, setOutcome] = useState<string | null>(null);
  const [confirmPurge, setConfirmPurge] = useState(false);
  const run = async (action: () => Promise<string>) => {
    setOutcome(null);
    try {
      setOutcome(await action());
    } catch (e) {
      setOutcome(e instanceof ApiError ? `${e.status}: ${e.message}` : String(e));
    }
    letters.refresh();
  };
  const replay = (ids?: string[]) =>
    run(async () => {
      const { replayed } = await body<{ replayed: number }>(
        api.POST('/v1/admin/broker/dead-letters/replay', { body: ids ? { ids } : {} }),
      );
      return `Sent ${replayed} back for a fresh set of attempts`;
    });
  const purge = () =>
    run(async () => {
      setConfirmPurge(false);
      const { purged } = await body<{ purged: number }>(api.DELETE('/v1/admin/broker/dead-letters'));
      return `Dropped ${purged} dead letters`;
    });
  const list = letters.value?.deadLetters ?? [];
  return (
    <section aria-labelledby="broker-title">
      <h1 id="broker-title">Broker dead letters</h1>
      {letters.error ? (
        <p role="alert" class="error">
          {letters.error}
        </p>
      ) : null}
      {outcome ? <p role="status">{outcome}</p> : null}
      {session.canChange && list.length > 0 ? (
        <p class="row">
          <button type="button" onClick={() => void replay()}>
            Replay all
          </button>
          {confirmPurge ? (
            <>
              <button type="button" class="danger" onClick={() => void purge()}>
                Drop all {list.length} for good
              </button>
              <button type="button" onClick={() => setConfirmPurge(false)}>
                Keep them
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setConfirmPurge(true)}>
              Drop all…
            </button>
          )}
        </p>
      ) : null}
      {letters.value && list.length === 0 ? <p>No dead letters.</p> : null}
      {list.map((letter) => (
        <article key={letter.id} class="card" data-dead-letter={letter.id}>
          <h2>
            {letter.type} <small>{letter.id}</small>
          </h2>
          <p class="error">
            {letter.error} ({letter.attempts} attempts, failed {letter.failedAt})
          </p>
          <pre class="json" tabIndex={0} aria-label={`Body of ${letter.id}`}>
            {pretty(letter.body)}
          </pre>
          {session.canChange ? (
            <button type="button" onClick={() => void replay([letter.id])}>
              Replay
            </button>
          ) : null}
        </article>
      ))}
    </section>
  );
}
