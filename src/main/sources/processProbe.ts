import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { ProcessReading } from '../core/readings';

const run = promisify(execFile);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

async function residentBytes(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match?.[1] ? Number(match[1]) * 1024 : null;
  } catch {
    // No /proc (macOS): ps reports the resident set in kilobytes.
    try {
      const { stdout } = await run('ps', ['-o', 'rss=', '-p', String(pid)], { timeout: 1000 });
      const kb = Number(stdout.trim());
      return Number.isFinite(kb) && kb > 0 ? kb * 1024 : null;
    } catch {
      return null;
    }
  }
}

/** Whether each pid lives on this machine, and how much memory it holds. */
export async function probeProcesses(pids: readonly number[]): Promise<Map<number, ProcessReading>> {
  const readings = await Promise.all(
    [...new Set(pids)].map(async (pid): Promise<[number, ProcessReading]> => {
      const alive = isAlive(pid);
      return [pid, { alive, rssBytes: alive ? await residentBytes(pid) : null }];
    }),
  );
  return new Map(readings);
}
