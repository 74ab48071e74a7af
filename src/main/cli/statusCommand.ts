import type { LocalDate, Snapshot } from '../../shared/model';
import { escapeJsonControls } from '../../shared/terminalText';
import type { MonitorConfig } from '../config';
import { isDown } from '../core/sourceHealth';
import { withConfigOrDemo } from '../demo/withDemo';
import { EXIT, type ExitCode } from './exitCodes';
import { cpuWindowTimings, type CpuWindowNote } from './cpuWindow';
import { takeOneLook } from './oneSnapshot';
import { PhaseTimes } from './phaseTimes';
import type { CliIo } from './output';
import { sourceLabels } from './sourceLabels';
import { statusText } from './statusText';

export interface StatusOptions {
  readonly json: boolean;
  readonly date?: LocalDate;
  /** Write when each phase ended to standard error (PhaseTimes). */
  readonly timings?: boolean;
  /** Redraw every this many seconds until stopped, from one monitor kept running. */
  readonly watchSeconds?: number;
  /** Wait until the CPU has been measured over this many ms from the command's start; by default no wait. */
  readonly cpuWindowMs?: number;
}

/** Nagios-style: a source down or a critical alert is 2, a warning 1. */
function statusExitCode(snapshot: Snapshot): ExitCode {
  const { postgres, registry, ollama } = snapshot.sources;
  if ([postgres, registry, ollama].some(isDown)) return EXIT.critical;
  if (snapshot.alerts.some((alert) => alert.severity === 'critical')) return EXIT.critical;
  if (snapshot.alerts.length > 0) return EXIT.warning;
  return EXIT.ok;
}

/**
 * One snapshot, printed; the exit code follows its alerts and sources. With
 * `watchSeconds`, a snapshot every so often until stopped, and 0. Without a
 * configuration, of the demo.
 */
export async function statusCommand(
  config: MonitorConfig | null,
  options: StatusOptions,
  io: CliIo,
): Promise<ExitCode> {
  if (options.watchSeconds !== undefined) {
    // Loaded only to watch: the monitor service is more than a single look needs.
    const { watchStatus } = await import('./statusWatch');
    return watchStatus(
      config,
      { everySeconds: options.watchSeconds, json: options.json },
      (effective) => sourceLabels(effective, config === null),
      io,
    );
  }
  const phases = new PhaseTimes();
  phases.mark('loaded');
  const { code, cpuWindow } = await withConfigOrDemo(config, { dataDir: null }, (effective) => {
    if (config === null) phases.mark('demo started');
    return statusOf(effective, options, io, phases, config === null);
  });
  if (config === null) phases.mark('demo stopped');
  if (options.timings === true)
    io.err(`${phases.text()}\n${cpuWindow === null ? '' : `${cpuWindowTimings(cpuWindow)}\n`}`);
  return code;
}

async function statusOf(
  config: MonitorConfig,
  options: StatusOptions,
  io: CliIo,
  phases: PhaseTimes,
  demo: boolean,
): Promise<{ code: ExitCode; cpuWindow: CpuWindowNote | null }> {
  const { snapshot, cpuWindow } = await takeOneLook(config, io, {
    date: options.date,
    phases,
    cpuWindowMs: options.cpuWindowMs,
  });
  // The snapshot has no place for the window: --json gives the figure alone, unknown where the window was too short.
  if (options.json) {
    io.out(`${escapeJsonControls(JSON.stringify(snapshot, null, 2))}\n`);
  } else {
    io.out(`${statusText(snapshot, sourceLabels(config, demo), { cpuWindow })}\n`);
  }
  phases.mark('written');
  return { code: statusExitCode(snapshot), cpuWindow };
}
