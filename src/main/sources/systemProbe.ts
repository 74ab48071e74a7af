import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { cpuPercentBetween } from '../core/cpu';
import type { GpuMemory, MemoryPressure, SystemReading } from '../core/readings';
import { childEnvironment } from './childEnvironment';
import { markCpu, type CpuMark } from './cpuMark';
import { GpuMemoryReader } from './gpuMemory';
import { readMacMemory } from './macMemory';

/** What the probe needs of the machine; `node:os` by default. */
export type MachineInfo = Pick<typeof os, 'cpus' | 'totalmem' | 'freemem'>;

/** Runs a program and resolves with its standard output; rejects when it fails, exits non-zero or times out. */
export type RunCommand = (file: string, args: readonly string[], options: { readonly timeoutMs: number }) => Promise<string>;

const execFileAsync = promisify(execFile);

/**
 * `execFile` without a shell, killed after the timeout, with no console window
 * flashing up on Windows, and with only PATH and the C locale of the monitor's
 * environment: the rest holds its secrets.
 */
export const runCommand: RunCommand = async (file, args, { timeoutMs }) => {
  const { stdout } = await execFileAsync(file, [...args], { timeout: timeoutMs, windowsHide: true, encoding: 'utf8', env: childEnvironment() });
  return stdout;
};

export interface SystemProbeOptions {
  readonly machine?: MachineInfo;
  readonly clock?: () => number;
  readonly platform?: NodeJS.Platform;
  readonly arch?: string;
  readonly exec?: RunCommand;
  /** `process.constrainedMemory()` by default: a cgroup's limit, or 0, undefined or a huge number when none. */
  readonly constrainedMemory?: () => number | undefined;
  /** Whether GPU memory is this RAM: a boolean is the setting (an integrated GPU, or off); null or absent detects Apple Silicon. */
  readonly unifiedMemory?: boolean | null;
  /** Where dedicated GPU memory comes from; null reads none. By default nvidia-smi, except on macOS and unified memory. */
  readonly gpu?: GpuMemoryReader | null;
  /** Where the first CPU window starts; when the probe is made by default. */
  readonly cpuFrom?: CpuMark;
  /**
   * This process's CPU time (ms), to leave out of the machine's: given, the
   * figure is what everything else used. A one-shot look starts its window
   * as the process starts, and its own loading must not read as load.
   */
  readonly ownCpu?: () => number;
}

/** What the platform says of memory beside the CPU times. */
interface PlatformMemory {
  readonly freeBytes: number | null;
  readonly pressure: MemoryPressure | null;
  readonly gpu: GpuMemory | null;
}

/** A limit on this process's memory below the machine's RAM (a container's cgroup), else null. */
export function constrainedBelow(limit: number | undefined, totalBytes: number): number | null {
  // Node 20 gives 0 or undefined without a limit, and an unlimited cgroup
  // reads as a number near 2^64 (or Number.MAX_SAFE_INTEGER): only a limit
  // below RAM changes how much can be had.
  if (limit === undefined || !Number.isFinite(limit) || limit <= 0 || limit >= totalBytes) return null;
  return limit;
}

/** Apple Silicon: the GPU has no memory of its own but shares this RAM. */
export function detectUnifiedMemory(platform: NodeJS.Platform, arch: string): boolean {
  return platform === 'darwin' && arch === 'arm64';
}

/**
 * The machine's memory and CPU utilisation, the latter measured between two
 * samples. Memory that can be had comes from `os.freemem()` on Linux
 * (MemAvailable) and Windows (ullAvailPhys), and from vm_stat on macOS, where
 * libuv counts only wholly unused pages (see `macMemory.ts`).
 */
export class SystemProbe {
  private readonly machine: MachineInfo;
  private readonly clock: () => number;
  private readonly platform: NodeJS.Platform;
  private readonly exec: RunCommand;
  private readonly constrainedMemory: () => number | undefined;
  private readonly unifiedMemory: boolean;
  private readonly gpu: GpuMemoryReader | null;
  private readonly ownCpu: (() => number) | undefined;
  private previous: CpuMark;

  constructor(options: SystemProbeOptions = {}) {
    this.machine = options.machine ?? os;
    this.clock = options.clock ?? Date.now;
    this.platform = options.platform ?? process.platform;
    this.exec = options.exec ?? runCommand;
    this.constrainedMemory = options.constrainedMemory ?? (() => process.constrainedMemory());
    this.unifiedMemory = options.unifiedMemory ?? detectUnifiedMemory(this.platform, options.arch ?? process.arch);
    this.gpu = options.gpu === undefined ? this.defaultGpuReader() : options.gpu;
    this.ownCpu = options.ownCpu;
    this.previous = options.cpuFrom ?? this.markCpu();
  }

  private markCpu(): CpuMark {
    return markCpu({ machine: this.machine, platform: this.platform, clock: this.clock, ownCpu: this.ownCpu ?? (() => 0) });
  }

  /**
   * Samples now, waiting first until at least `minWindowMs` have passed since
   * the previous sample: a few milliseconds of CPU time say nothing. The
   * memory readings run during that wait. Never rejects: what could not be
   * read is null.
   */
  async sample(minWindowMs = 0): Promise<SystemReading> {
    const memory = this.readMemory();
    const wait = this.previous.at + minWindowMs - this.clock();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const mark = this.markCpu();
    const cpuPercent = cpuPercentBetween(this.previous.times, mark.times, this.ownCpu ? mark.ownMs - this.previous.ownMs : 0);
    this.previous = mark;
    const totalBytes = this.machine.totalmem();
    const { freeBytes, pressure, gpu } = await memory;
    return {
      totalBytes,
      freeBytes: freeBytes === null ? null : Math.min(freeBytes, totalBytes),
      cpuPercent,
      pressure,
      constrainedBytes: this.constrained(totalBytes),
      gpu,
      unifiedMemory: this.unifiedMemory,
    };
  }

  private defaultGpuReader(): GpuMemoryReader | null {
    // No NVIDIA driver has run on macOS for years, and unified memory has no
    // dedicated memory to read: neither is worth a spawn.
    if (this.platform === 'darwin' || this.unifiedMemory) return null;
    return new GpuMemoryReader({ exec: this.exec });
  }

  /** Started before the CPU window and awaited after it; each part that fails is null, so it never rejects. */
  private async readMemory(): Promise<PlatformMemory> {
    const [free, gpu] = await Promise.all([this.readFree().catch(() => ({ freeBytes: null, pressure: null })), this.readGpu()]);
    return { ...free, gpu };
  }

  private async readGpu(): Promise<GpuMemory | null> {
    try {
      return this.gpu ? await this.gpu.read() : null;
    } catch {
      return null;
    }
  }

  private async readFree(): Promise<Pick<PlatformMemory, 'freeBytes' | 'pressure'>> {
    if (this.platform === 'darwin') {
      const mac = await readMacMemory(this.exec);
      return { freeBytes: mac.availableBytes, pressure: mac.pressure };
    }
    // libuv answers 0 when it could not read (no /proc/meminfo, say): unknown, not empty.
    const free = this.machine.freemem();
    return { freeBytes: free > 0 ? free : null, pressure: null };
  }

  private constrained(totalBytes: number): number | null {
    try {
      return constrainedBelow(this.constrainedMemory(), totalBytes);
    } catch {
      // A runtime without process.constrainedMemory, or one that cannot read the cgroup: no limit known.
      return null;
    }
  }
}
