import { memo } from 'react';
import type { CategoryForecast } from '../../../shared/forecast';
import { verdictText } from '../../../shared/forecastText';
import { useMonitor } from '../hooks/monitorContext';
import { useNow } from '../hooks/useNow';
import { countRender } from '../renderCount';
import { selectForecastRows, type ForecastRow } from '../store/selectors/forecastRows';
import { serverNow } from '../store/selectors/liveSeconds';
import { sameRow } from './sameRow';

/** When a category that will not fit now would, counted down every second from the snapshot's time. */
function FitsLater({ entry }: { readonly entry: CategoryForecast }) {
  const now = useNow();
  const clock = useMonitor((state) => state.clock);
  if (clock === null) return null;
  return <>{verdictText(entry, serverNow(clock.takenAt, clock.receivedAt, now))}</>;
}

function Verdict({ row }: { readonly row: ForecastRow }) {
  if (row.fits === null) return <span className="muted">{row.verdictText}</span>;
  return (
    <span className={row.fits ? 'status' : 'status status-error'}>
      {row.later ? <FitsLater entry={row.later} /> : row.verdictText}
    </span>
  );
}

const ForecastLine = memo(function ForecastLine({ row }: { readonly row: ForecastRow }) {
  return (
    <tr data-category={row.category}>
      <th scope="row">
        <span className="category-badge subtle">{row.category}</span>
      </th>
      <td>{row.agentsText}</td>
      <td className="strong">{row.needText}</td>
      <td>{row.freeText}</td>
      <td>
        <Verdict row={row} />
      </td>
    </tr>
  );
}, sameRow);

export function AdmissionForecast() {
  // The store keeps the same forecast object while its figures (to 0.1 GB) stand, so most snapshots redraw nothing
  // here.
  const forecast = useMonitor((state) => state.snapshot?.forecast ?? null);
  countRender('forecast');
  if (forecast === null) return null;
  const rows = selectForecastRows(forecast);
  const freeUnknown = forecast.categories.some((entry) => entry.freeBytes === null);
  const loadedUnknown = !freeUnknown && rows.some((row) => row.fits === null);
  return (
    <section className="panel" aria-labelledby="forecast-heading">
      <header className="panel-header">
        <h2 id="forecast-heading">Admission Forecast</h2>
        <p className="muted">What each category’s agents would add to memory, given the models loaded now</p>
      </header>
      {freeUnknown && (
        <p className="empty" role="note">
          Free memory is unknown: whether a category fits cannot be told.
        </p>
      )}
      {loadedUnknown && (
        <p className="empty" role="note">
          Ollama is not answering: a model it holds may be counted as needed, so a category that looks too big may still
          fit.
        </p>
      )}
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col">Agents</th>
              <th scope="col">Needs</th>
              <th scope="col">Free</th>
              <th scope="col">Fits</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <ForecastLine key={row.category} row={row} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
