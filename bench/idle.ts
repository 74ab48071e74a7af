import { readFileSync } from 'node:fs';
import { Monitor } from '../src/main/monitor/monitor';
import { readingsAt, SETTINGS } from '../test/support/readings';
import { progress, round } from './stats';

/** Linux reports CPU time in clock ticks; 100 a second on every common kernel. */
const TICKS_PER_SECOND = 100;

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

/** CPU (% of one core) and resident memory of a running `serve` while nothing changes. */
export async function measureAtRest(pid: number, seconds: number): Promise<{ cpuPct: number; rssMb: number }> {
  const startTicks = cpuTicks(pid);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsed = (performance.now() - started) / 1000;
  return {
    cpuPct: round(((cpuTicks(pid) - startTicks) / TICKS_PER_SECOND / elapsed) * 100, 3),
    rssMb: round(rssMb(pid), 1),
  };
}

/** 10,000 polls on a fake clock: memory must stay flat once the bounded series and log are full. */
export async function measureManyPolls(
  polls: number,
): Promise<{ polls: number; rssGrowthMb: number; heapGrowthMb: number }> {
  let now = Date.parse('2026-11-24T14:28:28Z');
  // Bounds as small as the default would be after a day, so the run reaches them.
  const monitor = new Monitor({
    read: (at) => Promise.resolve(readingsAt(at)),
    settings: SETTINGS,
    pollMs: 5000,
    clock: { now: () => now },
    seriesLimit: 1000,
    eventLimit: 1000,
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  const measure = () => {
    gc?.();
    const usage = process.memoryUsage();
    return { rss: usage.rss / 2 ** 20, heap: usage.heapUsed / 2 ** 20 };
  };
  progress(`at rest: ${String(polls)} polls on a fake clock`);
  let baseline = measure();
  for (let poll = 0; poll < polls; poll += 1) {
    now += 5000;
    await monitor.pollNow();
    if (poll === 1999) baseline = measure();
  }
  const end = measure();
  return { polls, rssGrowthMb: round(end.rss - baseline.rss, 1), heapGrowthMb: round(end.heap - baseline.heap, 1) };
}
