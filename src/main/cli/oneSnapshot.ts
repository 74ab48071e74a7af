import type { LocalDate, Snapshot } from '../../shared/model';
import type { MonitorConfig } from '../config';
import { cpuTickMs } from '../core/cpu';
import { advancePipeline, initialPipelineState } from '../core/pipeline';
import type { Readings } from '../core/readings';
import { reconcileSettingsFor } from '../core/reconcile';
import { openSources } from '../sources/openSources';
import { readSources } from '../sources/readSources';
import { cpuWindowNote, type CpuWindowNote } from './cpuWindow';
import type { CliIo } from './output';
import type { PhaseTimes } from './phaseTimes';
import { CPU_AT_START } from './startCpuMark';

export interface OneSnapshotOptions {
  /** The day whose history to show; today by default. */
  readonly date?: LocalDate;
  /** Marks `opened`, `connected` (PostgreSQL), `read` and `closed`. */
  readonly phases?: PhaseTimes;
  /**
   * Wait, before the CPU sample, until the CPU has been measured over this many ms from the command's start
   * (`status --cpu-window`); by default the sample waits for nothing.
   */
  readonly cpuWindowMs?: number;
}

/** One look: its snapshot, and what its CPU figure covers (null where the probe measured no window). */
export interface OneLook {
  readonly snapshot: Snapshot;
  readonly cpuWindow: CpuWindowNote | null;
}

/**
 * The readings with the machine's CPU left unknown where the look's window was too short for the counters to say
 * anything (see shortestCpuWindowMs): a look's figure is never the noise of a few ticks.
 */
function withCpuOf(readings: Readings, note: CpuWindowNote | null): Readings {
  if (note === null || note.enough) return readings;
  return { ...readings, system: { ...readings.system, cpuPercent: null } };
}

/**
 * One snapshot, from an empty state: what a single look at every source
 * shows. It has no earlier polls to wait for, so whatever holds now is
 * reported now (an alert's pending period is one poll). The CPU window runs
 * from the process's start to the sample, which is taken as the reads begin,
 * less this process's own CPU time: loading and connecting are the window,
 * and no server answering the look (nor nvidia-smi) is in it yet.
 */
export async function takeOneLook(
  config: MonitorConfig,
  io: Pick<CliIo, 'now' | 'timeZone'>,
  options: OneSnapshotOptions = {},
): Promise<OneLook> {
  const { phases } = options;
  const open = await openSources(config, {
    timeZone: io.timeZone,
    persistent: false,
    cpuWindowMs: options.cpuWindowMs,
    cpuFrom: CPU_AT_START,
    onPostgresConnect: () => phases?.mark('connected'),
  });
  phases?.mark('opened');
  try {
    const readings = await readSources(open.sources, io.now(), options.date);
    phases?.mark('read');
    // The look's own window is all it measures. The last figure a `serve` kept in the data folder would be cheap to
    // read (one short line from the end of its series), but the snapshot has no place to say whose figure it is, so
    // `status --json` would hand another process's older reading on as this look's; and the series names no host,
    // while the data folder may be shared. A figure that is wanted is waited for: `--cpu-window`.
    const window = open.sources.system.cpuWindow();
    // The CPU counters are this machine's, the simulated machine's too (see simulatedMachineOptions).
    const note = window && cpuWindowNote(window, cpuTickMs(process.platform));
    const snapshot = advancePipeline(initialPipelineState(), withCpuOf(readings, note), {
      timeZone: io.timeZone,
      registryMode: config.registryMode,
      alerts: { ...config.alerts, pendingPolls: 1 },
      reconcile: reconcileSettingsFor(config.heartbeatTimeoutSeconds),
      ollamaScheduler: config.ollamaScheduler,
    }).snapshot;
    return { snapshot, cpuWindow: note };
  } finally {
    await open.close();
    phases?.mark('closed');
  }
}

/** One look's snapshot alone: what `forecast` and `stop-agent` decide on. */
export async function takeOneSnapshot(
  config: MonitorConfig,
  io: Pick<CliIo, 'now' | 'timeZone'>,
  options: OneSnapshotOptions = {},
): Promise<Snapshot> {
  return (await takeOneLook(config, io, options)).snapshot;
}
