import type { LocalDate, Snapshot } from '../../shared/model';
import type { MonitorConfig } from '../config';
import { advancePipeline, initialPipelineState } from '../core/pipeline';
import { reconcileSettingsFor } from '../core/reconcile';
import { openSources } from '../sources/openSources';
import { readSources } from '../sources/readSources';
import type { CliIo } from './output';
import type { PhaseTimes } from './phaseTimes';
import { CPU_AT_START } from './startCpuMark';

/** CPU time over less than this says little; a one-shot command waits for it at most this long. */
export const CPU_WINDOW_MS = 250;

export interface OneSnapshotOptions {
  /** The day whose history to show; today by default. */
  readonly date?: LocalDate;
  /** Marks `opened`, `connected` (PostgreSQL), `read` and `closed`. */
  readonly phases?: PhaseTimes;
}

/**
 * One snapshot, from an empty state: what a single look at every source
 * shows. It has no earlier polls to wait for, so whatever holds now is
 * reported now (an alert's pending period is one poll). The CPU window runs
 * from the process's start, less this process's own CPU time: loading and
 * connecting overlap it rather than come before it.
 */
export async function takeOneSnapshot(
  config: MonitorConfig,
  io: Pick<CliIo, 'now' | 'timeZone'>,
  options: OneSnapshotOptions = {},
): Promise<Snapshot> {
  const { phases } = options;
  const open = await openSources(config, {
    timeZone: io.timeZone,
    persistent: false,
    cpuWindowMs: CPU_WINDOW_MS,
    cpuFrom: CPU_AT_START,
    onPostgresConnect: () => phases?.mark('connected'),
  });
  phases?.mark('opened');
  try {
    const readings = await readSources(open.sources, io.now(), options.date);
    phases?.mark('read');
    return advancePipeline(initialPipelineState(), readings, {
      timeZone: io.timeZone,
      registryMode: config.registryMode,
      alerts: { ...config.alerts, pendingPolls: 1 },
      reconcile: reconcileSettingsFor(config.heartbeatTimeoutSeconds),
      ollamaScheduler: config.ollamaScheduler,
    }).snapshot;
  } finally {
    await open.close();
    phases?.mark('closed');
  }
}
