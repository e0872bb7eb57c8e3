import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, body } from './api/client';
import type { Session } from './api/types';
import { BrokerPage } from './pages/broker';
import { OverviewPage } from './pages/overview';
import { ProjectionsPage } from './pages/projections';
import { StreamsPage } from './pages/streams';
import { TracePage } from './pages/trace';
import { href, PAGES, parseRoute } from './routes';
import { forgetToken, saveToken, token } from './session';

/** Asks the API who the token belongs to; refuses anyone who is not an operator (admin or auditor). */
async function signIn(): Promise<Session> {
  let session: Session;
  try {
    session = await body<Session>(api.GET('/v1/admin/session'));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401)
      throw new Error(`The token was not accepted: ${e.message}`);
    throw e;
  }
  if (!session.operator) {
    throw new Error(
      `Refused: this token has the role ${session.roles.join(', ') || '(none)'}; the console needs an admin or auditor token.`,
    );
  }
  return session;
}

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return hash;
}

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(token() !== null);
  const route = parseRoute(useHash());

  const attempt = async () => {
    setChecking(true);
    try {
      setSession(await signIn());
      setError(null);
    } catch (e) {
      forgetToken();
      setSession(null);
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setChecking(false);
    }
  };
  useEffect(() => {
    if (token()) void attempt();
  }, []);

  if (!session)
    return <Login error={error} checking={checking} onToken={(t) => (saveToken(t), void attempt())} />;
  const signOut = () => {
    forgetToken();
    setSession(null);
  };
  return (
    <>
      <a
        class="skip"
        href="#content"
        onClick={(e) => (e.preventDefault(), document.getElementById('content')?.focus())}
      >
        Skip to content
      </a>
      <header>
        <span class="brand">eventshop console</span>
        <nav aria-label="Pages">
          {PAGES.map((p) => (
            <a key={p.name} href={href(p.name)} aria-current={route.page === p.name ? 'page' : undefined}>
              {p.title}
            </a>
          ))}
        </nav>
        <span class="who">
          {session.sub} ({session.roles.join(', ')})
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="content" tabIndex={-1}>
        {route.page === 'overview' ? <OverviewPage /> : null}
        {route.page === 'streams' ? <StreamsPage route={route} /> : null}
        {route.page === 'trace' ? <TracePage key={route.rest} route={route} /> : null}
        {route.page === 'projections' ? <ProjectionsPage session={session} /> : null}
        {route.page === 'broker' ? <BrokerPage session={session} /> : null}
      </main>
    </>
  );
}

function Login({
  error,
  checking,
  onToken,
}: {
  error: string | null;
  checking: boolean;
  onToken: (t: string) => void;
}) {
  const [value, setValue] = useState('');
  return (
    <main class="login">
      <h1>eventshop operator console</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) onToken(value.trim());
        }}
      >
        <label for="token">Operator token (admin or auditor)</label>
        <textarea
          id="token"
          rows={4}
          value={value}
          autoComplete="off"
          spellcheck={false}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <p class="hint">
          Mint one with <code>npm run -s cli -- auth token --role admin</code>. It stays in this tab only
          (sessionStorage).
        </p>
        <button type="submit" disabled={checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
        {error ? (
          <p role="alert" class="error">
            {error}
          </p>
        ) : null}
      </form>
    </main>
  );
}
