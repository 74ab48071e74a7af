import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** Sessions per day as bars; a module of its own so that recharts loads with the first chart, not with the page. */
export default function SessionsPerDayBars({ days }: { readonly days: ReadonlyArray<{ date: string; count: number }> }) {
  return (
    <figure className="chart-small" aria-label="Sessions per day">
      <ResponsiveContainer width="100%" height={140}>
        <BarChart data={[...days]}>
          <XAxis dataKey="date" tick={{ fontSize: 11 }} />
          <YAxis allowDecimals={false} width={28} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Bar dataKey="count" name="Sessions" fill="currentColor" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
