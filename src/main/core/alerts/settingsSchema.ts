import { z } from 'zod';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from './settings';

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
    agentCount: thresholdsPatch,
    sessionHours: thresholdsPatch,
    sourceUnavailable: z.object({ enabled: z.boolean() }).strict(),
  })
  .partial()
  .strict();
export type AlertSettingsPatch = z.infer<typeof alertSettingsPatchSchema>;

export function applyAlertPatch(patch: AlertSettingsPatch, base: AlertSettings = DEFAULT_ALERT_SETTINGS): AlertSettings {
  return {
    pendingPolls: patch.pendingPolls ?? base.pendingPolls,
    repeatIntervalMs: patch.repeatIntervalMs ?? base.repeatIntervalMs,
    memoryPctOfRam: { ...base.memoryPctOfRam, ...patch.memoryPctOfRam },
    freeRamPct: { ...base.freeRamPct, ...patch.freeRamPct },
    agentCount: { ...base.agentCount, ...patch.agentCount },
    sessionHours: { ...base.sessionHours, ...patch.sessionHours },
    sourceUnavailable: { ...base.sourceUnavailable, ...patch.sourceUnavailable },
  };
}
