import { bytesToGb } from '../../../../shared/format';
import type { MonitorEvent, ResourceSample } from '../../../../shared/monitorEvent';

const gbOrNull = (bytes: number | null): number | null => (bytes === null ? null : bytesToGb(bytes));

/** One point as the chart draws it: memory in GB, its axis's unit (the samples keep bytes). */
export interface ChartPoint {
  readonly at: number;
  readonly memoryGb: number | null;
  readonly measuredGb: number | null;
  readonly estimatedGb: number | null;
  readonly machineRamGb: number;
  readonly agents: number | null;
}

export interface ChartMark {
  readonly at: number;
  readonly label: string;
  readonly kind: 'spawn' | 'stop' | 'session';
}

const MARKS: Partial<Record<MonitorEvent['type'], ChartMark['kind']>> = {
  agent_spawned: 'spawn',
  agent_stopped: 'stop',
  agent_crashed: 'stop',
  session_started: 'session',
  session_ended: 'session',
};

/** About one point per two pixels of a wide chart; a day of 5 s samples is 17,280. */
export const CHART_POINTS = 480;

const highest = (values: ReadonlyArray<number | null>): number | null =>
  values.reduce<number | null>((top, value) => (value === null ? top : Math.max(top ?? value, value)), null);

/**
 * At most `limit` points, each the highest reading of an equal stretch of
 * time (a spike must survive the thinning), drawn at the stretch's last sample.
 */
export function downsample(points: readonly ChartPoint[], limit: number): ChartPoint[] {
  const first = points[0];
  const last = points.at(-1);
  if (points.length <= limit || first === undefined || last === undefined) return [...points];
  const span = (last.at - first.at) / limit || 1;
  const buckets: ChartPoint[][] = [];
  for (const point of points) {
    const index = Math.min(limit - 1, Math.floor((point.at - first.at) / span));
    (buckets[index] ??= []).push(point);
  }
  return buckets.flatMap((bucket) => {
    const end = bucket.at(-1);
    if (end === undefined) return [];
    return [
      {
        at: end.at,
        memoryGb: highest(bucket.map((point) => point.memoryGb)),
        measuredGb: highest(bucket.map((point) => point.measuredGb)),
        estimatedGb: highest(bucket.map((point) => point.estimatedGb)),
        machineRamGb: end.machineRamGb,
        agents: highest(bucket.map((point) => point.agents)),
      },
    ];
  });
}

/** The resource chart: its points, and the spawns, stops and sessions that fall inside them. */
export function selectChart(series: readonly ResourceSample[], events: readonly MonitorEvent[]): { points: ChartPoint[]; marks: ChartMark[] } {
  const points = downsample(
    series.map((sample) => ({
      at: Date.parse(sample.at),
      memoryGb: gbOrNull(sample.memoryBytes),
      measuredGb: gbOrNull(sample.measuredBytes),
      estimatedGb: gbOrNull(sample.estimatedBytes),
      machineRamGb: bytesToGb(sample.machineRamBytes),
      agents: sample.agents,
    })),
    CHART_POINTS,
  );
  const first = points[0]?.at ?? Infinity;
  const marks = events.flatMap((event) => {
    const kind = MARKS[event.type];
    const at = Date.parse(event.at);
    return kind === undefined || at < first ? [] : [{ at, label: event.message, kind }];
  });
  return { points, marks };
}
