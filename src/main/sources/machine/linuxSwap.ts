import { readFile } from 'node:fs/promises';

/**
 * Swap in use from `/proc/meminfo`'s `SwapTotal` and `SwapFree` (kB, which
 * the kernel means as KiB): null when either is missing or unreadable, and 0
 * on a machine with no swap.
 */
export function parseSwapUsed(meminfo: string): number | null {
  const field = (name: string): number | null => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(meminfo);
    return match?.[1] === undefined ? null : Number(match[1]) * 1024;
  };
  const total = field('SwapTotal');
  const free = field('SwapFree');
  return total === null || free === null ? null : Math.max(0, total - free);
}

/** Swap in use on Linux; null where `/proc/meminfo` cannot be read. */
export async function readLinuxSwapUsed(procRoot = '/proc'): Promise<number | null> {
  try {
    return parseSwapUsed(await readFile(`${procRoot}/meminfo`, 'utf8'));
  } catch {
    return null;
  }
}
