import { z } from 'zod';

/** A rule's thresholds. An alert clears only once the value is `clearMargin` back past the threshold. */
export interface Thresholds {
  readonly enabled: boolean;
  readonly warning: number;
  readonly critical: number;
  readonly clearMargin: number;
}

export interface AlertSettings {
  /** Consecutive polls a condition must hold before it fires, so a spike never notifies. */
  readonly pendingPolls: number;
  /** At most one reminder per this interval while an alert keeps firing. */
  readonly repeatIntervalMs: number;
  /** Agents' memory as a share of the machine's RAM, percent. */
  readonly memoryPctOfRam: Thresholds;
  /** Free system memory, percent of RAM; fires below the thresholds. */
  readonly freeRamPct: Thresholds;
  /** Dedicated GPU memory in use, percent, where it can be read. */
  readonly gpuMemoryPct: Thresholds;
  readonly agentCount: Thresholds;
  /** How long one session has been active, hours. */
  readonly sessionHours: Thresholds;
  readonly sourceUnavailable: { readonly enabled: boolean };
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  pendingPolls: 3,
  repeatIntervalMs: 60 * 60 * 1000,
  memoryPctOfRam: { enabled: true, warning: 80, critical: 90, clearMargin: 5 },
  freeRamPct: { enabled: true, warning: 10, critical: 5, clearMargin: 2 },
  gpuMemoryPct: { enabled: true, warning: 90, critical: 97, clearMargin: 3 },
  agentCount: { enabled: true, warning: 6, critical: 9, clearMargin: 1 },
  sessionHours: { enabled: true, warning: 2, critical: 8, clearMargin: 0.25 },
  sourceUnavailable: { enabled: true },
};

/** The settings that hold a rule's thresholds. */
export const THRESHOLD_RULE_KEYS = [
  'memoryPctOfRam',
  'freeRamPct',
  'gpuMemoryPct',
  'agentCount',
  'sessionHours',
] as const;
export type ThresholdRuleKey = (typeof THRESHOLD_RULE_KEYS)[number];

/** Which way each rule's value gets worse: free memory fires as it falls, the rest as they rise. */
export const THRESHOLD_DIRECTION: Readonly<Record<ThresholdRuleKey, 'above' | 'below'>> = {
  memoryPctOfRam: 'above',
  freeRamPct: 'below',
  gpuMemoryPct: 'above',
  agentCount: 'above',
  sessionHours: 'above',
};

/**
 * One line per rule whose warning lies past its critical: that warning could
 * never show, the critical being reached first. Checked on the resolved
 * settings, so a change to one side meets the other side's default.
 */
export function misorderedThresholds(settings: AlertSettings): string[] {
  return THRESHOLD_RULE_KEYS.flatMap((key) => {
    const { warning, critical } = settings[key];
    const direction = THRESHOLD_DIRECTION[key];
    if (direction === 'above' ? warning <= critical : warning >= critical) return [];
    return [`${key} warning ${String(warning)} is ${direction} its critical ${String(critical)}`];
  });
}

const thresholdsPatch = z
  .object({
    enabled: z.boolean(),
    warning: z.number().nonnegative(),
    critical: z.number().nonnegative(),
    clearMargin: z.number().nonnegative(),
  })
  .partial()
  .strict();

/** A user's changes to the defaults: any subset, checked field by field. */
export const alertSettingsPatchSchema = z
  .object({
    pendingPolls: z.number().int().min(1).max(100),
    repeatIntervalMs: z.number().int().min(60_000),
    memoryPctOfRam: thresholdsPatch,
    freeRamPct: thresholdsPatch,
    gpuMemoryPct: thresholdsPatch,
    agentCount: thresholdsPatch,
    sessionHours: thresholdsPatch,
    sourceUnavailable: z.object({ enabled: z.boolean() }).strict(),
  })
  .partial()
  .strict();
export type AlertSettingsPatch = z.infer<typeof alertSettingsPatchSchema>;

export function applyAlertPatch(
  patch: AlertSettingsPatch,
  base: AlertSettings = DEFAULT_ALERT_SETTINGS,
): AlertSettings {
  return {
    pendingPolls: patch.pendingPolls ?? base.pendingPolls,
    repeatIntervalMs: patch.repeatIntervalMs ?? base.repeatIntervalMs,
    memoryPctOfRam: { ...base.memoryPctOfRam, ...patch.memoryPctOfRam },
    freeRamPct: { ...base.freeRamPct, ...patch.freeRamPct },
    gpuMemoryPct: { ...base.gpuMemoryPct, ...patch.gpuMemoryPct },
    agentCount: { ...base.agentCount, ...patch.agentCount },
    sessionHours: { ...base.sessionHours, ...patch.sessionHours },
    sourceUnavailable: { ...base.sourceUnavailable, ...patch.sourceUnavailable },
  };
}
