import { lazy, Suspense, useDeferredValue, useMemo } from 'react';
import { useMonitor } from '../hooks/monitorContext';
import { useThrottled } from '../hooks/useThrottled';
import { MARK_KINDS, selectChart, type ChartMark } from '../store/selectors/chart';
import type { ResourceLinesProps } from './charts/ResourceLines';

/**
 * A burst of spawns redraws the chart once a second, not once a snapshot: one point in a day's chart is not worth more.
 */
const CHART_INTERVAL_MS = 1000;
const RAM_CHART = { label: 'Memory and agents over time', height: 260 } as const;
const GPU_CHART = { label: 'GPU memory over time', height: 160 } as const;

/** Loaded when first shown; until then a frame of the chart's size, so nothing below moves. */
const ResourceLines = lazy(() => import('./charts/ResourceLines'));

function Chart(props: ResourceLinesProps) {
  return (
    <Suspense
      fallback={<figure className="chart" aria-label={props.label} aria-busy="true" style={{ height: props.height }} />}
    >
      <ResourceLines {...props} />
    </Suspense>
  );
}

/** What the vertical lines across the charts are, and how many each chart shows. */
function MarksKey({ marks }: { readonly marks: readonly ChartMark[] }) {
  return (
    <ul className="chart-key" aria-label="Marks on the charts">
      {MARK_KINDS.map(({ kind, name }) => (
        <li key={kind}>
          <span className={`mark-swatch mark-${kind}`} aria-hidden="true" />
          {name} ({marks.filter((mark) => mark.kind === kind).length})
        </li>
      ))}
    </ul>
  );
}

/**
 * The agents' RAM against the machine's, and the agents, over time; GPU
 * memory on a chart of its own, never added to RAM; spawns, stops and
 * sessions marked across both, with a key.
 */
export function ResourceChart() {
  // The chart redraws at low priority: an update's rows and cards commit first, the new point after.
  const series = useMonitor((state) => state.series);
  const events = useMonitor((state) => state.events);
  const latest = useMemo(() => ({ series, events }), [series, events]);
  const shown = useDeferredValue(useThrottled(latest, CHART_INTERVAL_MS));
  const view = useMemo(() => selectChart(shown.series, shown.events), [shown]);
  // The same elements while the deferred data stands, so React skips the charts in an urgent update.
  const charts = useMemo(
    () => (
      <>
        <Chart {...RAM_CHART} points={view.points} marks={view.marks} lines={view.ramLines} />
        {view.gpuLines.length > 0 && (
          <Chart {...GPU_CHART} points={view.points} marks={view.marks} lines={view.gpuLines} />
        )}
        <MarksKey marks={view.marks} />
      </>
    ),
    [view],
  );
  if (view.points.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="chart-heading">
      <header className="panel-header">
        <h2 id="chart-heading">Resource Usage</h2>
        <p className="muted">
          The agents&apos; RAM against this machine&apos;s{view.gpuLines.length > 0 ? ', GPU memory apart' : ''}, with
          spawns, stops and sessions marked; a break in a line is time the monitor was not running
        </p>
      </header>
      {charts}
    </section>
  );
}
