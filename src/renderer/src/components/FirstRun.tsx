import { useMonitor } from '../hooks/monitorContext';

/** Shown while nothing can be read at all: what is wrong, and the two ways forward. */
export function FirstRun() {
  const error = useMonitor((state) => state.connection.error ?? state.snapshot?.sources.postgres.error ?? null);
  return (
    <section className="panel first-run" aria-labelledby="first-run-heading">
      <h2 id="first-run-heading">Nothing to monitor yet</h2>
      <p>The monitor cannot reach ECHO&apos;s PostgreSQL{error ? `: ${error}` : '.'}</p>
      <ol>
        <li>
          Point it at ECHO: set <code>DATABASE_URL</code> (or <code>DB_HOST</code>, <code>DB_PORT</code>, <code>DB_NAME</code>,{' '}
          <code>DB_USER</code>, <code>DB_PASSWORD</code>) and <code>REDIS_URL</code> in Settings or the environment, then restart.
        </li>
        <li>
          Or try the demo, which needs nothing running: <code>npm run demo</code>, or <code>npm run cli -- serve --demo</code> for a browser.
        </li>
      </ol>
    </section>
  );
}
