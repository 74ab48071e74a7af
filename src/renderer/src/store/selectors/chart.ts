import { bytesToGb } from '../../../../shared/format';
import type { MonitorEvent, ResourceSample } from '../../../../shared/monitorEvent';
import { CHART_LINES, type ChartLine, type ChartMark, type ChartPoint, type LineKey } from './chartLines';

export { CHART_LINES, MARK_KINDS, type ChartLine, type ChartMark, type ChartPoint } from './chartLines';

/** Samples absent for this many times their usual spacing mean the monitor was not running: a gap, not a ramp. */
export const GAP_FACTOR = 3;

/** About one point per two pixels of a wide chart; a day of 5 s samples is 17,280. */
export const CHART_POINTS = 480;

const LINE_KEYS: readonly LineKey[] = CHART_LINES.map((line) => line.key);

const gbOrNull = (bytes: number | null | undefined): number | null =>
  bytes === null || bytes === undefined ? null : bytesToGb(bytes);

/**
 * What the charts draw of one sample. A sample from before RAM and GPU were told apart has no agents' RAM to draw:
 * unknown, not guessed.
 */
export function pointOf(sample: ResourceSample): ChartPoint {
  const { ramBytes, measuredRamBytes, freeRamBytes, machineRamBytes } = sample;
  // Drawn only where it differs from the reported figure: where the two agree, one line says it.
  const withEstimates = ramBytes === null || ramBytes === undefined || ramBytes === measuredRamBytes ? null : ramBytes;
  return {
    at: Date.parse(sample.at),
    machineRamGb: bytesToGb(machineRamBytes),
    ramInUseGb: freeRamBytes === null ? null : bytesToGb(Math.max(0, machineRamBytes - freeRamBytes)),
    agentsRamGb: gbOrNull(measuredRamBytes),
    agentsRamEstimatedGb: gbOrNull(withEstimates),
    agents: sample.agents,
    gpuTotalGb: gbOrNull(sample.gpuTotalBytes),
    gpuUsedGb: gbOrNull(sample.gpuUsedBytes),
    agentsGpuGb: gbOrNull(sample.vramBytes),
  };
}

const GAP_VALUES = Object.fromEntries(LINE_KEYS.map((key) => [key, null])) as { readonly [key in LineKey]: null };

/** A point with nothing on it, which breaks every line (the charts do not join across nulls). */
const gapAt = (at: number): ChartPoint => ({ at, gap: true, ...GAP_VALUES });

/** The usual spacing of the points: their median step, so a few quick extra polls or one long pause do not set it. */
export function usualStepMs(points: readonly { readonly at: number }[]): number | null {
  const steps = points
    .slice(1)
    .map((point, index) => point.at - (points[index]?.at ?? point.at))
    .filter((step) => step > 0)
    .sort((a, b) => a - b);
  if (steps.length === 0) return null;
  const middle = Math.floor(steps.length / 2);
  return steps.length % 2 === 1 ? (steps[middle] ?? null) : ((steps[middle - 1] ?? 0) + (steps[middle] ?? 0)) / 2;
}

/** The points with a gap put in wherever the next came more than GAP_FACTOR usual steps later. */
export function withGaps(points: readonly ChartPoint[]): ChartPoint[] {
  const step = usualStepMs(points);
  if (step === null) return [...points];
  return points.flatMap((point, index) => {
    const before = points[index - 1];
    return before !== undefined && point.at - before.at > GAP_FACTOR * step
      ? [gapAt((before.at + point.at) / 2), point]
      : [point];
  });
}

const highest = (values: ReadonlyArray<number | null>): number | null =>
  values.reduce<number | null>((top, value) => (value === null ? top : Math.max(top ?? value, value)), null);

function merged(bucket: readonly ChartPoint[]): ChartPoint {
  const end = bucket.at(-1);
  if (end === undefined) throw new Error('an empty bucket');
  const values = Object.fromEntries(LINE_KEYS.map((key) => [key, highest(bucket.map((point) => point[key]))])) as {
    [key in LineKey]: number | null;
  };
  return { at: end.at, ...values };
}

/**
 * At most `limit` points (and the gaps), each the highest reading of an equal
 * stretch of time (a spike must survive the thinning), drawn at the stretch's
 * last sample. A gap is kept as it is, and no stretch reaches across one.
 */
export function downsample(points: readonly ChartPoint[], limit: number): ChartPoint[] {
  const first = points[0];
  const last = points.at(-1);
  if (points.length <= limit || first === undefined || last === undefined) return [...points];
  const span = (last.at - first.at) / limit || 1;
  const thinned: ChartPoint[] = [];
  let bucket: ChartPoint[] = [];
  let bucketIndex = -1;
  const close = (): void => {
    if (bucket.length > 0) thinned.push(merged(bucket));
    bucket = [];
  };
  for (const point of points) {
    if (point.gap) {
      close();
      thinned.push(point);
      bucketIndex = -1;
      continue;
    }
    const index = Math.min(limit - 1, Math.floor((point.at - first.at) / span));
    if (index !== bucketIndex) close();
    bucketIndex = index;
    bucket.push(point);
  }
  close();
  return thinned;
}

const MARKS: Partial<Record<MonitorEvent['type'], ChartMark['kind']>> = {
  agent_spawned: 'spawn',
  agent_stopped: 'stop',
  agent_crashed: 'stop',
  session_started: 'session',
  session_ended: 'session',
};

export interface ChartView {
  readonly points: ChartPoint[];
  readonly marks: ChartMark[];
  /** The RAM chart's lines that have something to draw, each once. */
  readonly ramLines: readonly ChartLine[];
  /** The GPU chart's; empty where there is no GPU memory to speak of (none read, or it is this RAM). */
  readonly gpuLines: readonly ChartLine[];
}

const drawn = (points: readonly ChartPoint[], key: LineKey): boolean => points.some((point) => point[key] !== null);

/**
 * The resource charts: their points with gaps where nothing was sampled, the lines worth drawing, and the marks inside
 * them.
 */
export function selectChart(series: readonly ResourceSample[], events: readonly MonitorEvent[]): ChartView {
  const points = downsample(withGaps(series.map(pointOf)), CHART_POINTS);
  const first = points[0]?.at ?? Infinity;
  const marks = events.flatMap((event) => {
    const kind = MARKS[event.type];
    const at = Date.parse(event.at);
    return kind === undefined || at < first ? [] : [{ at, label: event.message, kind }];
  });
  // A GPU that holds none of the agents' models, on a machine whose GPU is not read, is not worth a chart.
  const gpuShown = drawn(points, 'gpuTotalGb') || points.some((point) => (point.agentsGpuGb ?? 0) > 0);
  return {
    points,
    marks,
    ramLines: CHART_LINES.filter((line) => line.chart === 'ram' && drawn(points, line.key)),
    gpuLines: gpuShown ? CHART_LINES.filter((line) => line.chart === 'gpu' && drawn(points, line.key)) : [],
  };
}
