import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/**
 * Counts per day as bars (sessions, or tasks delegated); a module of its own so that recharts loads with the first
 * chart, not with the page.
 */
export default function SessionsPerDayBars({
  days,
  label = 'Sessions',
}: {
  readonly days: ReadonlyArray<{ date: string; count: number }>;
  readonly label?: string;
}) {
  return (
    <figure className="chart-small" aria-label={`${label} per day`}>
      <ResponsiveContainer width="100%" height={140}>
        <BarChart data={[...days]}>
          <XAxis dataKey="date" tick={{ fontSize: 11 }} />
          <YAxis allowDecimals={false} width={28} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Bar dataKey="count" name={label} fill="currentColor" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
