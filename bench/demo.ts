import { startCliProcess, type LongRunningCli } from '../test/support/runCliProcess';
import { measureAtRest } from './idle';
import { percentile, progress, round } from './stats';

/** Launch to the first snapshot served, and the process, still running. */
async function launch(): Promise<{ firstSnapshotMs: number; demo: LongRunningCli }> {
  const started = performance.now();
  const demo = startCliProcess(['serve', '--demo', '--port', '0'], {});
  try {
    const url = (await demo.waitFor(/on (http:\/\/127\.0\.0\.1:\d+\/)/, 60_000))[1] ?? '';
    for (;;) {
      const response = await fetch(new URL('/api/snapshot', url));
      if (response.ok) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { firstSnapshotMs: performance.now() - started, demo };
  } catch (error) {
    await demo.stop('SIGTERM');
    throw error;
  }
}

/**
 * `serve --demo` as a newcomer starts it, the compiled command line as
 * `npm run cli` runs it: the time from launch to the first snapshot served
 * (the median of `launches`), and the resident memory of the process once it
 * runs (its PGlite database, the simulator and the monitor; the agents' own
 * processes are the simulated agents', not the app's).
 */
export async function measureDemo(restSeconds: number, launches: number) {
  if (!Number.isInteger(launches) || launches < 1)
    throw new RangeError(`launches must be a whole number, at least 1: ${String(launches)}`);
  const times: number[] = [];
  const launchAs = async (run: number): Promise<LongRunningCli> => {
    progress(`demo: starting serve --demo (${String(run)} of ${String(launches)})`);
    const { firstSnapshotMs, demo } = await launch();
    times.push(firstSnapshotMs);
    return demo;
  };
  for (let run = 1; run < launches; run += 1) await (await launchAs(run)).stop('SIGTERM');
  // The last launch stays up, to be measured at rest.
  const demo = await launchAs(launches);
  try {
    const rest = await measureAtRest(demo.pid(), restSeconds);
    return {
      firstSnapshotMs: round(percentile(times, 50), 0),
      firstSnapshotSpreadMs: [round(Math.min(...times), 0), round(Math.max(...times), 0)],
      rssMb: rest.rssMb,
      cpuPct: rest.cpuPct,
    };
  } finally {
    await demo.stop('SIGTERM');
  }
}
