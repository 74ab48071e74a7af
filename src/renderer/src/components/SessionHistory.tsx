import { memo } from 'react';
import { useZonedTime } from '../hooks/useZonedTime';
import { useMonitor } from '../hooks/monitorContext';
import { selectHistoryRows, type HistoryRow } from '../store/selectors/history';
import { sameRow } from './sameRow';
import { TimelineButton } from './TimelineButton';
import { LOCAL_DATE_RANGE } from '../../../shared/model';
import { shownOfTotal } from '../../../shared/format';

const HistoryLine = memo(function HistoryLine({ row }: { readonly row: HistoryRow }) {
  const { timeOf } = useZonedTime();
  return (
    <tr data-session-id={row.sessionId}>
      <td>
        <span className="category-badge subtle">{row.category}</span>
      </td>
      <td className="description">{row.description}</td>
      <td className="strong">{row.agents}</td>
      <td>{row.durationText ?? 'Active'}</td>
      <td>
        <span className={`status status-${row.status}`}>{row.status}</span>
      </td>
      <td className="mono muted">{timeOf(row.startedAt)}</td>
      <td>
        <TimelineButton session={row.timeline} />
      </td>
    </tr>
  );
}, sameRow);

export function SessionHistory() {
  const today = useMonitor((state) => state.snapshot?.today ?? null);
  const historyDate = useMonitor((state) => state.historyDate);
  const live = useMonitor((state) => state.snapshot?.history ?? null);
  // The day's figures count every readable row; the list holds the newest few.
  const liveTotal = useMonitor((state) => state.snapshot?.stats?.totalSessions ?? null);
  const past = useMonitor((state) => state.pastHistory);
  const selectHistoryDate = useMonitor((state) => state.selectHistoryDate);
  const recorded = useMonitor((state) => state.snapshot?.sessionsRecorded ?? null);
  if (today === null) return null;
  const sessions = historyDate === null ? live : past.sessions;
  const loading = historyDate !== null && past.loading;
  const error = historyDate === null ? null : past.error;
  const cut = historyDate === null && live !== null ? shownOfTotal(live.length, liveTotal) : null;
  return (
    <section className="panel" aria-labelledby="history-heading">
      <header className="panel-header with-control">
        <div>
          <h2 id="history-heading">Session History</h2>
          <p className="muted">Recent delegator sessions{cut && ` · the newest ${cut}`}</p>
        </div>
        <label className="control">
          Date
          <input
            type="date"
            value={historyDate ?? today}
            min={LOCAL_DATE_RANGE.min}
            max={today}
            onChange={(event) => {
              if (event.target.value) void selectHistoryDate(event.target.value);
            }}
          />
        </label>
      </header>
      {error !== null ? (
        <p className="empty error">Could not read the history: {error}</p>
      ) : loading ? (
        <p className="empty">Loading…</p>
      ) : sessions === null ? (
        <p className="empty">History is unknown until PostgreSQL answers.</p>
      ) : sessions.length === 0 ? (
        <p className="empty">
          {recorded === false
            ? 'No sessions for this date: this ECHO records none (its delegator keeps them in memory); Statistics shows its delegated tasks per day instead'
            : 'No sessions for this date'}
        </p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Category</th>
                <th scope="col">Description</th>
                <th scope="col">Agents</th>
                <th scope="col">Duration</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">
                  <span className="sr-only">Timeline</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {selectHistoryRows(sessions).map((row) => (
                <HistoryLine key={row.sessionId} row={row} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
