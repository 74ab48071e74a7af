import { CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useZonedTime } from '../../hooks/useZonedTime';
import type { ChartMark, ChartPoint } from '../../store/selectors/chart';
import { MarkLines } from './MarkLines';

/** The chart itself: recharts is most of the dashboard's code, so this module loads only once there is a chart to draw. */
export default function ResourceLines({ points, marks }: { readonly points: ChartPoint[]; readonly marks: ChartMark[] }) {
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
          <Line yAxisId="gb" dataKey="measuredGb" name="Reported" stroke="#60a5fa" dot={false} isAnimationActive={false} />
          <Line yAxisId="gb" dataKey="estimatedGb" name="Estimated" stroke="#fbbf24" strokeDasharray="4 2" dot={false} isAnimationActive={false} />
          <Line yAxisId="agents" dataKey="agents" name="Agents" stroke="#a78bfa" type="stepAfter" dot={false} isAnimationActive={false} />
          <MarkLines marks={marks} />
        </ComposedChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{marks.length} events marked: {marks.slice(-5).map((mark) => mark.label).join('; ')}</figcaption>
    </figure>
  );
}

