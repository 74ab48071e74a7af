import type { MemoryPressure } from '../../core/readings';
import { readLinuxSwapUsed } from './linuxSwap';
import { readMacMemory } from './macMemory';
import type { RunCommand } from './runCommand';

/** What the platform says of memory beside the CPU times. */
export interface PlatformMemory {
  readonly freeBytes: number | null;
  readonly pressure: MemoryPressure | null;
  readonly swapUsedBytes: number | null;
}

export const NOTHING_READ: PlatformMemory = { freeBytes: null, pressure: null, swapUsedBytes: null };

/** Where the platform's memory figures come from: the probe's own settings. */
export interface PlatformMemorySources {
  readonly platform: NodeJS.Platform;
  readonly exec: RunCommand;
  readonly freemem: () => number;
  readonly swapUsed: (() => number) | undefined;
  readonly procRoot: string;
}

/** Memory that can be had, macOS's pressure and swap in use, as this platform tells them. */
export async function readPlatformMemory({
  platform,
  exec,
  freemem,
  swapUsed,
  procRoot,
}: PlatformMemorySources): Promise<PlatformMemory> {
  if (platform === 'darwin') {
    const mac = await readMacMemory(exec);
    return { freeBytes: mac.availableBytes, pressure: mac.pressure, swapUsedBytes: mac.swapUsedBytes };
  }
  // libuv answers 0 when it could not read (no /proc/meminfo, say): unknown, not empty.
  const free = freemem();
  const swapUsedBytes = swapUsed ? swapUsed() : platform === 'linux' ? await readLinuxSwapUsed(procRoot) : null;
  return { freeBytes: free > 0 ? free : null, pressure: null, swapUsedBytes };
}
