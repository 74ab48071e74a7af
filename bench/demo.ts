import { startCliProcess } from '../test/support/runCliProcess';
import { measureAtRest } from './idle';
import { progress, round } from './stats';

/**
 * `serve --demo` as a newcomer starts it: the time from launch to the first
 * snapshot served, and the resident memory of the process once it runs (its
 * PGlite database, the simulator and the monitor; the agents' own processes
 * are the simulated agents', not the app's).
 */
export async function measureDemo(restSeconds: number) {
  progress('demo: starting serve --demo');
  const started = performance.now();
  const demo = startCliProcess(['serve', '--demo', '--port', '0'], {});
  try {
    const url = (await demo.waitFor(/on (http:\/\/127\.0\.0\.1:\d+\/)/, 60_000))[1] ?? '';
    for (;;) {
      const response = await fetch(new URL('/api/snapshot', url));
      if (response.ok) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const firstSnapshotMs = round(performance.now() - started, 0);
    const rest = await measureAtRest(demo.pid(), restSeconds);
    return { firstSnapshotMs, rssMb: rest.rssMb, cpuPct: rest.cpuPct };
  } finally {
    await demo.stop('SIGTERM');
  }
}
