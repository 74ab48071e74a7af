import type { MemoryPressure } from '../../core/readings';

/** Runs a program and resolves with its standard output; rejects when it fails, exits non-zero or times out. */
type RunCommand = (file: string, args: readonly string[], options: { readonly timeoutMs: number }) => Promise<string>;

/** What macOS says of its memory on one sample; null where it could not be read. */
export interface MacMemory {
  readonly availableBytes: number | null;
  readonly pressure: MemoryPressure | null;
  readonly swapUsedBytes: number | null;
}

// Absolute paths: an app started from Finder or launchd gets a minimal PATH,
// and these two have lived there on every macOS release.
const VM_STAT = '/usr/bin/vm_stat';
const SYSCTL = '/usr/sbin/sysctl';
const TIMEOUT_MS = 2_000;

// What macOS hands over without compressing or swapping anything: free pages
// (vm_stat lists the speculative ones apart), and the cached files Activity
// Monitor shows, file-backed pages and purgeable ones (caches their owners
// agreed to lose). The inactive queue is not among them: it also holds
// anonymous memory, which can only be freed by compressing or swapping it, and
// on a Mac that is swapping it holds GBs of it. Speculative read-ahead is not
// added either: vm_stat's file-backed and anonymous pages together are exactly
// its active, inactive and speculative pages, so the speculative ones are
// already counted as file-backed (or anonymous). libuv's os.freemem() counts
// only free pages, under 1 GB on a Mac that keeps a large cache on purpose.
const AVAILABLE_COUNTS = ['Pages free', 'File-backed pages', 'Pages purgeable'] as const;

/** Every `Label:   12345.` count vm_stat prints, by its label. */
function vmStatCounts(text: string): ReadonlyMap<string, number> {
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/^([A-Za-z][A-Za-z -]*):[ \t]+(\d+)\.?[ \t]*\r?$/gm)) {
    const [, label, count] = match;
    if (label !== undefined && count !== undefined) counts.set(label, Number(count));
  }
  return counts;
}

/**
 * Memory that can be had now without swapping more, in bytes, from `vm_stat`'s
 * output: free + file-backed + purgeable pages times the page size its first
 * line states. Null when the page size or any of those lines is missing, so a
 * changed format reads as unknown rather than as a wrong figure.
 *
 * systeminformation's `mem().available` answers on macOS too, but it runs
 * vm_stat itself and cannot be handed a recorded output; parsing vm_stat's one
 * line format here keeps this reader testable against recordings from real
 * Macs.
 */
export function availableFromVmStat(text: string): number | null {
  const pageSize = /page size of (\d+) bytes/.exec(text)?.[1];
  if (pageSize === undefined) return null;
  const counts = vmStatCounts(text);
  let total = 0;
  for (const label of AVAILABLE_COUNTS) {
    const count = counts.get(label);
    if (count === undefined) return null;
    total += count;
  }
  return total * Number(pageSize);
}

const UNIT: Readonly<Record<string, number>> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/**
 * Swap in use from `sysctl -n vm.swapusage` (`total = 1024.00M  used = 2.50M
 * free = 1021.50M  (encrypted)`; sysctl prints MiB with two decimals), with or
 * without the name in front. Null for anything else.
 */
export function swapUsedFromSysctl(text: string): number | null {
  const match = /(?:^|\s)used = (\d+(?:\.\d+)?)([KMGT])\b/.exec(text);
  const unit = match?.[2] === undefined ? undefined : UNIT[match[2]];
  if (match?.[1] === undefined || unit === undefined) return null;
  return Math.round(Number(match[1]) * unit);
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

/** Runs vm_stat and the two sysctls at once; never rejects, a failure is null. */
export async function readMacMemory(run: RunCommand): Promise<MacMemory> {
  const [vmStat, level, swap] = await Promise.all([
    outputOf(run, VM_STAT, []),
    outputOf(run, SYSCTL, ['-n', 'kern.memorystatus_vm_pressure_level']),
    outputOf(run, SYSCTL, ['-n', 'vm.swapusage']),
  ]);
  return {
    availableBytes: vmStat === null ? null : availableFromVmStat(vmStat),
    pressure: level === null ? null : pressureFromSysctl(level),
    swapUsedBytes: swap === null ? null : swapUsedFromSysctl(swap),
  };
}
