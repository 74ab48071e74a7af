/**
 * The resource charts' lines: what each one is, which chart draws it, and
 * its name in the legend. Each line is one figure; no two draw the same one.
 */
export const CHART_LINES = [
  { key: 'machineRamGb', chart: 'ram', name: 'Machine RAM' },
  { key: 'ramInUseGb', chart: 'ram', name: 'RAM in use, all programs' },
  { key: 'agentsRamGb', chart: 'ram', name: "Agents' RAM, reported" },
  { key: 'agentsRamEstimatedGb', chart: 'ram', name: "Agents' RAM with estimates" },
  { key: 'agents', chart: 'ram', name: 'Agents' },
  { key: 'gpuTotalGb', chart: 'gpu', name: 'GPU memory' },
  { key: 'gpuUsedGb', chart: 'gpu', name: 'GPU memory in use' },
  { key: 'agentsGpuGb', chart: 'gpu', name: "Agents' models in GPU memory" },
] as const;

export type ChartLine = (typeof CHART_LINES)[number];
export type LineKey = ChartLine['key'];

/** One moment as the charts draw it: memory in GB, their axis's unit (the samples keep bytes); null where unknown. */
export type ChartPoint = { readonly at: number; readonly gap?: true } & { readonly [key in LineKey]: number | null };

export interface ChartMark {
  readonly at: number;
  readonly label: string;
  readonly kind: 'spawn' | 'stop' | 'session';
}

/** The marks' key, in the order it lists them. */
export const MARK_KINDS: ReadonlyArray<{ readonly kind: ChartMark['kind']; readonly name: string }> = [
  { kind: 'spawn', name: 'Agent spawned' },
  { kind: 'stop', name: 'Agent stopped' },
  { kind: 'session', name: 'Session started or ended' },
];
