import { startFailureReason } from '../../../shared/startFailure';
import { useMonitor } from '../hooks/monitorContext';

/** Asks the page to show its settings section, as the tray's "Settings…" does. */
function openSettings(): void {
  window.dispatchEvent(new Event('monitor:open-settings'));
}

/**
 * Shown while nothing can be read at all: what is wrong, and the two ways
 * forward. The desktop app changes its own settings; a web host is
 * configured where it runs.
 */
export function FirstRun({ canOpenSettings }: { readonly canOpenSettings: boolean }) {
  const error = useMonitor((state) => state.connection.error ?? state.snapshot?.sources.postgres.error ?? null);
  const notStarted = startFailureReason(error);
  return (
    <section className="panel first-run" aria-labelledby="first-run-heading">
      <h2 id="first-run-heading">{notStarted === null ? 'Nothing to monitor yet' : 'The monitor could not start'}</h2>
      <p>{notStarted ?? <>The monitor cannot reach ECHO&apos;s PostgreSQL{error ? `: ${error}` : '.'}</>}</p>
      <ol>
        {canOpenSettings ? (
          <li>
            Point it at ECHO in Settings (a variable set in the environment wins over them, and is named there). Saving
            restarts the monitor.{' '}
            <button type="button" onClick={openSettings}>
              Open Settings
            </button>
          </li>
        ) : (
          <li>
            Point it at ECHO: set <code>DATABASE_URL</code> (or <code>DB_HOST</code>, <code>DB_PORT</code>,{' '}
            <code>DB_NAME</code>, <code>DB_USER</code>, <code>DB_PASSWORD</code>) and <code>REDIS_URL</code> where it
            runs, then restart it.
          </li>
        )}
        <li>
          Or try the demo, which needs nothing running:{' '}
          {canOpenSettings ? (
            <>
              start the app with <code>--demo</code> (from a checkout, <code>npm run demo</code>).
            </>
          ) : (
            <>
              <code>npm run cli -- serve --demo</code>, or <code>npm run demo</code> for the desktop app.
            </>
          )}
        </li>
      </ol>
    </section>
  );
}
