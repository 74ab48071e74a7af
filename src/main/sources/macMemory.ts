import type { MemoryPressure } from '../core/readings';

/** Runs a program and resolves with its standard output; rejects when it fails, exits non-zero or times out. */
type RunCommand = (file: string, args: readonly string[], options: { readonly timeoutMs: number }) => Promise<string>;

/** What macOS says of its memory on one sample; null where it could not be read. */
export interface MacMemory {
  readonly availableBytes: number | null;
  readonly pressure: MemoryPressure | null;
}

// Absolute paths: an app started from Finder or launchd gets a minimal PATH,
// and these two have lived there on every macOS release.
const VM_STAT = '/usr/bin/vm_stat';
const SYSCTL = '/usr/sbin/sysctl';
const TIMEOUT_MS = 2_000;

// The page queues macOS hands out without writing anything to disk: free pages
// (less the speculative ones, which vm_stat lists apart), inactive pages
// (file cache and memory not touched lately), purgeable pages (caches their
// owners agreed to lose) and speculative read-ahead. libuv's os.freemem() on
// macOS counts only the first, so a Mac that keeps a large cache on purpose
// reads under 1 GB free with many GB to spare. Purgeable pages also sit on
// the active or inactive queue, so the sum can count some twice; there are
// few of them next to the inactive ones, and the probe caps the sum at RAM.
const AVAILABLE_QUEUES = ['free', 'inactive', 'purgeable', 'speculative'] as const;

/**
 * Memory that can be had now, in bytes, from `vm_stat`'s output: free +
 * inactive + purgeable + speculative pages times the page size its first line
 * states. Null when the page size or any of those lines is missing, so a
 * changed format reads as unknown rather than as a wrong figure.
 *
 * systeminformation's `mem().available` answers the same question on macOS,
 * but it runs vm_stat itself and cannot be handed a recorded output; parsing
 * vm_stat's one line format here keeps this reader testable against
 * recordings from real Macs.
 */
export function availableFromVmStat(text: string): number | null {
  const pageSize = /page size of (\d+) bytes/.exec(text)?.[1];
  if (pageSize === undefined) return null;
  const pages = new Map<string, number>();
  // Lines such as `Pages free:                               12345.`
  for (const match of text.matchAll(/^Pages ([a-z ]+):[ \t]+(\d+)\.?[ \t]*\r?$/gm)) {
    const [, name, count] = match;
    if (name !== undefined && count !== undefined) pages.set(name, Number(count));
  }
  let total = 0;
  for (const queue of AVAILABLE_QUEUES) {
    const count = pages.get(queue);
    if (count === undefined) return null;
    total += count;
  }
  return total * Number(pageSize);
}

/**
 * `sysctl -n kern.memorystatus_vm_pressure_level`: the kernel's own judgement,
 * the level Activity Monitor's memory pressure graph colours by. 1 is normal,
 * 2 warn, 4 critical (XNU's kVMPressureNormal, Warning, Critical); anything
 * else is not a level we know.
 */
export function pressureFromSysctl(text: string): MemoryPressure | null {
  switch (text.trim()) {
    case '1':
      return 'normal';
    case '2':
      return 'warn';
    case '4':
      return 'critical';
    default:
      return null;
  }
}

async function outputOf(run: RunCommand, file: string, args: readonly string[]): Promise<string | null> {
  try {
    return await run(file, args, { timeoutMs: TIMEOUT_MS });
  } catch {
    // A Mac that cannot run vm_stat now shows memory as unknown: os.freemem()
    // would be a confident wrong answer, and the monitor has no better one.
    return null;
  }
}

/** Runs vm_stat and sysctl at once; never rejects, a failure is null. */
export async function readMacMemory(run: RunCommand): Promise<MacMemory> {
  const [vmStat, level] = await Promise.all([
    outputOf(run, VM_STAT, []),
    outputOf(run, SYSCTL, ['-n', 'kern.memorystatus_vm_pressure_level']),
  ]);
  return {
    availableBytes: vmStat === null ? null : availableFromVmStat(vmStat),
    pressure: level === null ? null : pressureFromSysctl(level),
  };
}
