import pidusage from 'pidusage';
import type { ProcessReading } from '../core/readings';
import { pidAlive } from './pidAlive';

/** Resident memory through pidusage, which reads it on Linux, macOS and Windows alike; null when it cannot. */
async function residentBytes(pid: number): Promise<number | null> {
  try {
    const { memory } = await pidusage(pid);
    return Number.isFinite(memory) && memory > 0 ? memory : null;
  } catch {
    return null;
  }
}

/** Whether each pid the registry gave lives on this machine, and how much memory it holds. */
export async function probeProcesses(pids: readonly number[]): Promise<Map<number, ProcessReading>> {
  const readings = await Promise.all(
    [...new Set(pids)].map(async (pid): Promise<[number, ProcessReading]> => {
      const alive = pidAlive(pid);
      return [pid, { alive, rssBytes: alive ? await residentBytes(pid) : null }];
    }),
  );
  return new Map(readings);
}
