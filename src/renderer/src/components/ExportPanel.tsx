import { useState, type SubmitEvent } from 'react';
import { EXPORT_FORMATS, EXPORT_KINDS, type ExportQuery } from '../../../shared/apiSchemas';
import { useMonitor } from '../hooks/monitorContext';
import { addDays } from '../../../shared/localDate';
import { LOCAL_DATE_RANGE } from '../../../shared/model';

/**
 * Sessions or the event log of a range of local days, as CSV or JSON: saved on the desktop, downloaded in a browser.
 */
export function ExportPanel() {
  const today = useMonitor((state) => state.snapshot?.today ?? null);
  const exportState = useMonitor((state) => state.exportState);
  const runExport = useMonitor((state) => state.runExport);
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [what, setWhat] = useState<ExportQuery['what']>('sessions');
  const [format, setFormat] = useState<ExportQuery['format']>('csv');
  if (today === null) return null;
  const shownTo = to ?? today;
  const shownFrom = from ?? addDays(today, -6);
  const backwards = shownFrom > shownTo;
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!backwards) void runExport({ from: shownFrom, to: shownTo, what, format });
  };
  return (
    <section className="panel" aria-labelledby="export-heading">
      <header className="panel-header">
        <h2 id="export-heading">Export</h2>
        <p className="muted">Sessions or the event log of a range of days, with times in your time zone</p>
      </header>
      <form className="export-form" onSubmit={submit}>
        <label className="control">
          From
          <input
            type="date"
            required
            value={shownFrom}
            min={LOCAL_DATE_RANGE.min}
            max={today}
            onChange={(event) => {
              setFrom(event.target.value);
            }}
          />
        </label>
        <label className="control">
          To
          <input
            type="date"
            required
            value={shownTo}
            min={LOCAL_DATE_RANGE.min}
            max={today}
            onChange={(event) => {
              setTo(event.target.value);
            }}
          />
        </label>
        <label className="control">
          What
          <select
            value={what}
            onChange={(event) => {
              setWhat(event.target.value as ExportQuery['what']);
            }}
          >
            {EXPORT_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kind === 'sessions' ? 'Sessions' : 'Events'}
              </option>
            ))}
          </select>
        </label>
        <label className="control">
          Format
          <select
            value={format}
            onChange={(event) => {
              setFormat(event.target.value as ExportQuery['format']);
            }}
          >
            {EXPORT_FORMATS.map((kind) => (
              <option key={kind} value={kind}>
                {kind.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="header-button" disabled={backwards || exportState.status === 'working'}>
          Export
        </button>
      </form>
      <p role="status" className={`export-status ${exportState.status === 'failed' ? 'command-failed' : 'muted'}`}>
        {backwards ? 'The first day must not be after the last.' : exportState.message}
      </p>
    </section>
  );
}
