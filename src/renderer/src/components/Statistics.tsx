import { lazy, Suspense, useDeferredValue, useMemo } from 'react';
import { useMonitor } from '../hooks/monitorContext';
import type { StatsRange } from '../store/monitorStore';
import { selectStatsView, type StatsView } from '../store/selectors/statistics';

/** recharts loads with the first chart shown, not with the page. */
const SessionsPerDayBars = lazy(() => import('./charts/SessionsPerDayBars'));

const RANGES: ReadonlyArray<readonly [StatsRange, string]> = [
  ['today', 'Today'],
  ['7d', '7 days'],
  ['30d', '30 days'],
];

function Figures({ view }: { readonly view: StatsView }) {
  return (
    <div className="stats">
      <dl className="figures">
        <div>
          <dt>Sessions</dt>
          <dd>{view.totalSessions}</dd>
        </div>
        <div>
          <dt>Average agents per session</dt>
          <dd>{view.avgAgentsText}</dd>
        </div>
        <div>
          <dt>Average duration</dt>
          <dd>{view.avgDurationText}</dd>
        </div>
        <div>
          <dt>Error rate</dt>
          <dd>{view.errorRateText}</dd>
        </div>
      </dl>
      {view.leftOutText && <p className="note">{view.leftOutText}</p>}
      <Suspense
        fallback={
          <figure className="chart-small" aria-label="Sessions per day" aria-busy="true" style={{ height: 140 }} />
        }
      >
        <SessionsPerDayBars days={view.sessionsPerDay} />
      </Suspense>
      <table className="categories" aria-label="Sessions by category">
        <tbody>
          {view.categories.map((entry) => (
            <tr key={entry.category}>
              <th scope="row">
                <span className="category-badge subtle">{entry.category}</span>
              </th>
              <td>{entry.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What ECHO records where it records no sessions: the tasks its delegator handed out, per day (the last 30). */
function TasksPerDay() {
  const days = useMonitor((state) => state.snapshot?.work?.tasksPerDay ?? null);
  const recorded = useMonitor((state) => state.snapshot?.sessionsRecorded ?? null);
  if (days === null || !days.some((day) => day.count > 0)) return null;
  return (
    <div className="stats">
      {recorded === false && (
        <p className="note">
          This ECHO records no sessions; its delegated tasks, from its messages, stand in for them.
        </p>
      )}
      <Suspense
        fallback={
          <figure
            className="chart-small"
            aria-label="Tasks delegated per day"
            aria-busy="true"
            style={{ height: 140 }}
          />
        }
      >
        <SessionsPerDayBars days={days} label="Tasks delegated" />
      </Suspense>
    </div>
  );
}

export function Statistics() {
  const range = useMonitor((state) => state.statsRange);
  const todayStats = useMonitor((state) =>
    state.snapshot?.historyDate === state.snapshot?.today ? state.snapshot?.stats : null,
  );
  const rangeStats = useMonitor((state) => state.rangeStats);
  const selectStatsRange = useMonitor((state) => state.selectStatsRange);
  // Today's figures keep their object while unchanged (the store shares unchanged parts), so the chart redraws only on
  // a change; and at low priority.
  const stats = useDeferredValue(range === 'today' ? (todayStats ?? null) : rangeStats.value);
  const view = useMemo(() => stats && selectStatsView(stats), [stats]);
  // The same element while the deferred figures stand, so an urgent update skips the chart.
  const figures = useMemo(() => view && <Figures view={view} />, [view]);
  return (
    <section className="panel" aria-labelledby="stats-heading">
      <header className="panel-header with-control">
        <h2 id="stats-heading">Statistics</h2>
        <div className="segmented" role="group" aria-label="Period">
          {RANGES.map(([value, label]) => (
            <button
              key={value}
              type="button"
              aria-pressed={range === value}
              onClick={() => void selectStatsRange(value)}
            >
              {label}
            </button>
          ))}
        </div>
      </header>
      {rangeStats.error !== null && range !== 'today' ? (
        <p className="empty error">Could not read the figures: {rangeStats.error}</p>
      ) : view === null ? (
        <p className="empty">{rangeStats.loading ? 'Loading…' : 'Figures are unknown until PostgreSQL answers.'}</p>
      ) : (
        figures
      )}
      <TasksPerDay />
    </section>
  );
}
