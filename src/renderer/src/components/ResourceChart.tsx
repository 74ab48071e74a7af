import { useDeferredValue, useMemo } from 'react';
import { CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useZonedTime } from '../hooks/useZonedTime';
import { useMonitor } from '../hooks/monitorContext';
import { useThrottled } from '../hooks/useThrottled';
import { selectChart, type ChartMark, type ChartPoint } from '../store/selectors/chart';

/** A burst of spawns redraws the chart once a second, not once a snapshot: one point in a day's chart is not worth more. */
const CHART_INTERVAL_MS = 1000;

const MARK_COLOURS = { spawn: '#34d399', stop: '#f87171', session: '#9ca3af' } as const;

function Chart({ points, marks }: { readonly points: ChartPoint[]; readonly marks: ChartMark[] }) {
  const { timeOf } = useZonedTime();
  return (
    <figure className="chart" aria-label="Memory and agents over time">
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={points}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
          <XAxis dataKey="at" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={timeOf} tick={{ fontSize: 11 }} />
          <YAxis yAxisId="gb" unit=" GB" width={64} tick={{ fontSize: 11 }} />
          <YAxis yAxisId="agents" orientation="right" allowDecimals={false} width={32} tick={{ fontSize: 11 }} />
          <Tooltip labelFormatter={(at) => timeOf(Number(at))} />
          <Legend />
          <Line yAxisId="gb" dataKey="machineRamGb" name="Machine RAM" stroke="#6b7280" strokeDasharray="6 4" dot={false} isAnimationActive={false} />
          <Line yAxisId="gb" dataKey="memoryGb" name="Memory" stroke="var(--text)" dot={false} isAnimationActive={false} connectNulls={false} />
          <Line yAxisId="gb" dataKey="measuredGb" name="Measured" stroke="#60a5fa" dot={false} isAnimationActive={false} />
          <Line yAxisId="gb" dataKey="estimatedGb" name="Estimated" stroke="#fbbf24" strokeDasharray="4 2" dot={false} isAnimationActive={false} />
          <Line yAxisId="agents" dataKey="agents" name="Agents" stroke="#a78bfa" type="stepAfter" dot={false} isAnimationActive={false} />
          {marks.map((mark) => (
            <ReferenceLine key={`${String(mark.at)}-${mark.label}`} yAxisId="gb" x={mark.at} stroke={MARK_COLOURS[mark.kind]} strokeOpacity={0.6} label={undefined} />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{marks.length} events marked: {marks.slice(-5).map((mark) => mark.label).join('; ')}</figcaption>
    </figure>
  );
}

/** Memory (measured and estimated) against the machine's RAM, and agents, with spawns, stops and sessions marked. */
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
