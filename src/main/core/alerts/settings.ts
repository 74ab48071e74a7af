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
  agentCount: { enabled: true, warning: 6, critical: 9, clearMargin: 1 },
  sessionHours: { enabled: true, warning: 2, critical: 8, clearMargin: 0.25 },
  sourceUnavailable: { enabled: true },
};
