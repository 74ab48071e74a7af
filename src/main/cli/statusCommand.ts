import type { LocalDate, Snapshot } from '../../shared/model';
import { escapeJsonControls } from '../../shared/terminalText';
import type { MonitorConfig } from '../config';
import { isDown } from '../core/sourceHealth';
import { withConfigOrDemo } from '../demo/withDemo';
import { EXIT, type ExitCode } from './exitCodes';
import { takeOneSnapshot } from './oneSnapshot';
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
  const code = await withConfigOrDemo(config, { dataDir: null }, (effective) => {
    if (config === null) phases.mark('demo started');
    return statusOf(effective, options, io, phases, config === null);
  });
  if (config === null) phases.mark('demo stopped');
  if (options.timings === true) io.err(`${phases.text()}\n`);
  return code;
}

async function statusOf(
  config: MonitorConfig,
  options: StatusOptions,
  io: CliIo,
  phases: PhaseTimes,
  demo: boolean,
): Promise<ExitCode> {
  const snapshot = await takeOneSnapshot(config, io, { date: options.date, phases });
  if (options.json) {
    io.out(`${escapeJsonControls(JSON.stringify(snapshot, null, 2))}\n`);
  } else {
    io.out(`${statusText(snapshot, sourceLabels(config, demo))}\n`);
  }
  phases.mark('written');
  return statusExitCode(snapshot);
}
