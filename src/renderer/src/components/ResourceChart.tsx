import { lazy, Suspense, useDeferredValue, useMemo } from 'react';
import { useMonitor } from '../hooks/monitorContext';
import { useThrottled } from '../hooks/useThrottled';
import { selectChart, type ChartMark, type ChartPoint } from '../store/selectors/chart';

/** A burst of spawns redraws the chart once a second, not once a snapshot: one point in a day's chart is not worth more. */
const CHART_INTERVAL_MS = 1000;

/** Loaded when first shown; until then a frame of the chart's size, so nothing below moves. */
const ResourceLines = lazy(() => import('./charts/ResourceLines'));

function Chart({ points, marks }: { readonly points: ChartPoint[]; readonly marks: ChartMark[] }) {
  return (
    <Suspense fallback={<figure className="chart" aria-label="Memory and agents over time" aria-busy="true" style={{ height: 260 }} />}>
      <ResourceLines points={points} marks={marks} />
    </Suspense>
  );
}

/** Memory (as Ollama and the processes report it, and estimated) against the machine's RAM, and agents, with spawns, stops and sessions marked. */
export function ResourceChart() {
  // The chart redraws at low priority: an update's rows and cards commit first, the new point after.
  const series = useMonitor((state) => state.series);
  const events = useMonitor((state) => state.events);
  const latest = useMemo(() => ({ series, events }), [series, events]);
  const shown = useDeferredValue(useThrottled(latest, CHART_INTERVAL_MS));
  const { points, marks } = useMemo(() => selectChart(shown.series, shown.events), [shown]);
  // The same element while the deferred data stands, so React skips the chart in an urgent update.
  const chart = useMemo(() => <Chart points={points} marks={marks} />, [points, marks]);
  if (points.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="chart-heading">
      <header className="panel-header">
        <h2 id="chart-heading">Resource Usage</h2>
        <p className="muted">Agents&apos; memory against this machine&apos;s RAM, with spawns, stops and sessions marked</p>
      </header>
      {chart}
    </section>
  );
}
