import {
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type DotItemDotProps,
} from 'recharts';
import { useZonedTime } from '../../hooks/useZonedTime';
import type { ChartLine, ChartMark, ChartPoint } from '../../store/selectors/chart';
import type { LineKey } from '../../store/selectors/chartLines';
import { LINE_STYLES } from './lineStyles';
import { MarkLines } from './MarkLines';

export interface ResourceLinesProps {
  readonly label: string;
  readonly height: number;
  readonly points: ChartPoint[];
  readonly marks: ChartMark[];
  /** The lines to draw, each once: the legend names exactly these. */
  readonly lines: readonly ChartLine[];
}

const AGENTS_AXIS_WIDTH = 32;

/** The legend's words in the text colour, whatever the line's, so they read in either theme. */
const legendText = (name: string) => <span className="legend-text">{name}</span>;

/**
 * A dot where a reading stands alone between gaps (a monitor that ran for one
 * poll, or the first poll after a pause): a line needs two points, and
 * without the dot the reading would not show at all.
 */
function loneDots(points: readonly ChartPoint[], key: LineKey, stroke: string) {
  const known = (index: number): boolean => {
    const value = points[index]?.[key];
    return value !== null && value !== undefined;
  };
  return function LoneDot({ index, cx, cy }: DotItemDotProps) {
    if (!known(index) || known(index - 1) || known(index + 1) || cx === undefined || cy === undefined) return null;
    return <circle key={index} cx={cx} cy={cy} r={2.5} fill={stroke} />;
  };
}

/**
 * One resource chart: memory in GB on the left axis, the agents' count on the
 * right where it is drawn, with the marks across. A point with nothing on it
 * breaks the lines there: the monitor was not running, and no ramp stands in.
 * recharts is most of the dashboard's code, so this module loads only once
 * there is a chart to draw.
 */
export default function ResourceLines({ label, height, points, marks, lines }: ResourceLinesProps) {
  const { timeOf } = useZonedTime();
  const withAgents = lines.some((line) => line.key === 'agents');
  return (
    <figure className="chart" aria-label={label}>
      <ResponsiveContainer width="100%" height={height}>
        {/* Without the agents' axis, the same room on the right, so both charts' times line up. */}
        <ComposedChart
          data={points}
          margin={{ top: 5, left: 5, bottom: 5, right: withAgents ? 5 : 5 + AGENTS_AXIS_WIDTH }}
        >
          <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
          {/* A little room at either end, so a lone reading there shows whole. */}
          <XAxis
            dataKey="at"
            type="number"
            domain={['dataMin', 'dataMax']}
            scale="time"
            padding={{ left: 4, right: 4 }}
            tickFormatter={timeOf}
            tick={{ fontSize: 11 }}
          />
          <YAxis yAxisId="gb" unit=" GB" width={64} allowDecimals={false} tick={{ fontSize: 11 }} />
          {withAgents && (
            <YAxis
              yAxisId="agents"
              orientation="right"
              allowDecimals={false}
              width={AGENTS_AXIS_WIDTH}
              tick={{ fontSize: 11 }}
            />
          )}
          <Tooltip labelFormatter={(at) => timeOf(Number(at))} />
          {/* In the lines' own order (limit, context, the agents' share), not sorted by name. */}
          <Legend formatter={legendText} itemSorter={null} />
          {lines.map((line) => {
            const style = LINE_STYLES[line.key];
            return (
              <Line
                key={line.key}
                yAxisId={line.key === 'agents' ? 'agents' : 'gb'}
                dataKey={line.key}
                name={line.name}
                unit={line.key === 'agents' ? undefined : ' GB'}
                stroke={style.stroke}
                strokeWidth={style.width}
                strokeDasharray={style.dash}
                type={style.step ? 'stepAfter' : 'linear'}
                dot={loneDots(points, line.key, style.stroke)}
                connectNulls={false}
                isAnimationActive={false}
              />
            );
          })}
          <MarkLines marks={marks} />
        </ComposedChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">
        {lines.map((line) => line.name).join(', ')}. {marks.length} events marked:{' '}
        {marks
          .slice(-5)
          .map((mark) => mark.label)
          .join('; ')}
      </figcaption>
    </figure>
  );
}
