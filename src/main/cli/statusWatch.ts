import type { Writable } from 'node:stream';
import type { Snapshot } from '../../shared/model';
import { escapeJsonControls } from '../../shared/terminalText';
import type { MonitorConfig } from '../config';
import { startMonitorService } from '../monitor/monitorService';
import { EXIT, type ExitCode } from './exitCodes';
import type { CliIo } from './output';
import { statusText, type SourceLabels } from './statusText';
import { commandLog } from './stderrLog';

/** Home, then erase the screen: each frame replaces the last, as `watch` draws. */
export const CLEAR_SCREEN = '\x1b[H\x1b[2J';

/** What a redraw needs of the running monitor: one, kept for the whole watch, so no redraw opens a connection. */
export interface WatchedMonitor {
  current(): Snapshot | null;
  /** Polls now, or joins the poll already running. */
  pollNow(): Promise<Snapshot>;
  close(): Promise<void>;
}

export interface WatchOptions {
  readonly everySeconds: number;
  readonly json: boolean;
  readonly labels: SourceLabels;
  /** Whether standard output is a terminal, to redraw in place; otherwise frames follow each other. */
  readonly tty: boolean;
}

export function isTerminal(stream: Writable | undefined): boolean {
  return stream !== undefined && 'isTTY' in stream && stream.isTTY === true;
}

/**
 * Draws a frame now and every `everySeconds` after it, each from a fresh
 * poll, until `io.untilStopped` resolves (Ctrl-C, SIGTERM, or the output
 * gone); then closes the monitor. A frame's time runs from the start of the
 * last, so a slow poll does not stretch the interval.
 */
export async function runWatch(
  monitor: WatchedMonitor,
  options: WatchOptions,
  io: Pick<CliIo, 'out' | 'now' | 'untilStopped'>,
): Promise<ExitCode> {
  let stopped = false;
  // Read through a call: the signal sets it while this function awaits, which flow analysis cannot see.
  const isStopped = (): boolean => stopped;
  let wake: () => void = () => undefined;
  const stop = io.untilStopped().then(() => {
    stopped = true;
    wake();
  });
  let frames = 0;
  const draw = (snapshot: Snapshot | null): void => {
    if (snapshot === null) return;
    if (options.json) {
      io.out(`${escapeJsonControls(JSON.stringify(snapshot))}\n`);
    } else {
      const text = statusText(snapshot, options.labels, { everySeconds: options.everySeconds });
      io.out(options.tty ? `${CLEAR_SCREEN}${text}\n` : `${frames === 0 ? '' : '\n'}${text}\n`);
    }
    frames += 1;
  };
  try {
    draw(monitor.current());
    let frameStart = io.now();
    while (!isStopped()) {
      const wait = Math.max(0, frameStart + options.everySeconds * 1000 - io.now());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (isStopped()) break;
      frameStart = io.now();
      // A poll that fails outright leaves the last snapshot standing; the sources' health in it says what failed.
      const snapshot = await monitor.pollNow().catch(() => monitor.current());
      if (!isStopped()) draw(snapshot);
    }
  } finally {
    await monitor.close();
  }
  await stop;
  return EXIT.ok;
}

/**
 * `status --watch`: the monitor `serve` runs, started once, against the
 * configured ECHO or the demo. It keeps no series or event log on disk: a
 * look in a terminal must not write beside a `serve` that keeps them.
 */
export async function watchStatus(
  config: MonitorConfig | null,
  options: { readonly everySeconds: number; readonly json: boolean },
  labelsFor: (config: MonitorConfig) => SourceLabels,
  io: CliIo,
): Promise<ExitCode> {
  const service = await startMonitorService(
    config === null
      ? { kind: 'demo', dataDir: null, alerts: io.env.MONITOR_ALERTS }
      : { kind: 'echo', config: { ...config, dataDir: null } },
    {
      timeZone: io.liveTimeZone ?? io.timeZone,
      defaultDataDir: null,
      // On standard error, apart from the frames.
      log: commandLog(io),
    },
  );
  return runWatch(
    { current: () => service.getSnapshot(), pollNow: () => service.monitor.pollNow(), close: () => service.close() },
    { ...options, labels: labelsFor(service.config), tty: isTerminal(io.stdout) },
    io,
  );
}
