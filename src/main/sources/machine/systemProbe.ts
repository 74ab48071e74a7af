import os from 'node:os';
import { cpuPercentBetween, type CpuWindow } from '../../core/cpu';
import type { GpuMemory, SystemReading } from '../../core/readings';
import { markCpu, type CpuMark } from './cpuMark';
import { GpuMemoryReader, type GpuReading } from './gpuMemory';
import { mayReadNvidia, nvidiaPowerStates, type GpuReads } from './gpuPower';
import { NOTHING_READ, readPlatformMemory } from './platformMemory';
import { runCommand, type RunCommand } from './runCommand';
import { isAppleSilicon, looksLikeAmdApu, unifiedFromNvidia } from './unifiedMemory';

/** What the probe needs of the machine; `node:os` by default. */
export type MachineInfo = Pick<typeof os, 'cpus' | 'totalmem' | 'freemem'>;

export interface SystemProbeOptions {
  readonly machine?: MachineInfo;
  readonly clock?: () => number;
  readonly platform?: NodeJS.Platform;
  /** The process's architecture (`process.arch`); the machine's own is asked where a process may be translated. */
  readonly arch?: string;
  readonly exec?: RunCommand;
  /** `process.constrainedMemory()` by default: a cgroup's limit, or 0, undefined or a huge number when none. */
  readonly constrainedMemory?: () => number | undefined;
  /**
   * Whether GPU memory is this RAM: a boolean is the setting (an integrated
   * GPU, or off); null or absent detects it: Apple Silicon (under Rosetta
   * too), and NVIDIA's GB10 and Jetson by what nvidia-smi says.
   */
  readonly unifiedMemory?: boolean | null;
  /**
   * Where dedicated GPU memory comes from; null reads none. By default
   * nvidia-smi, except on macOS and unified memory, run as `gpuReads` allows;
   * a reader given here runs as it was made.
   */
  readonly gpu?: GpuMemoryReader | null;
  /** When the default reader may run nvidia-smi (see `mayReadNvidia`); `auto` by default. */
  readonly gpuReads?: GpuReads;
  /**
   * How long a sample may wait for a GPU reading it started: 0 (the default)
   * for polls, which never wait on nvidia-smi; a one-shot look (`status`),
   * which has no later poll to show it in, may give it a few seconds rather
   * than show GPU memory as unknown.
   */
  readonly gpuWaitMs?: number;
  /** Where sysfs is mounted (Linux): the GPUs' power state and AMD's memory sizes; `/sys` by default. */
  readonly sysfsRoot?: string;
  /** Where procfs is mounted (Linux): swap from its `meminfo`; `/proc` by default. */
  readonly procRoot?: string;
  /** Swap in use, asked in place of the platform's: a simulated machine's (the demo's), which has no procfs. */
  readonly swapUsed?: () => number;
  /**
   * Whose figures these are where they are not this machine's, said in every reading (the demo's simulated machine).
   */
  readonly simulatedMachine?: string;
  /** Where the first CPU window starts; when the probe is made by default. */
  readonly cpuFrom?: CpuMark;
  /**
   * This process's CPU time (ms), to leave out of the machine's: given, the
   * figure is what everything else used. A one-shot look starts its window
   * as the process starts, and its own loading must not read as load.
   */
  readonly ownCpu?: () => number;
}

/** A limit on this process's memory below the machine's RAM (a container's cgroup), else null. */
export function constrainedBelow(limit: number | undefined, totalBytes: number): number | null {
  // Node 20 gives 0 or undefined without a limit, and an unlimited cgroup
  // reads as a number near 2^64 (or Number.MAX_SAFE_INTEGER): only a limit
  // below RAM changes how much can be had.
  if (limit === undefined || !Number.isFinite(limit) || limit <= 0 || limit >= totalBytes) return null;
  return limit;
}

/**
 * Waits for the work until it is done or `ms` have passed, whichever comes first; at once when `ms` is not positive.
 */
async function waitAtMost(work: Promise<void> | null, ms: number): Promise<void> {
  if (work === null || ms <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([work, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The machine's memory and CPU utilisation, the latter measured between two
 * samples. Memory that can be had comes from `os.freemem()` on Linux
 * (MemAvailable) and Windows (ullAvailPhys), and from vm_stat on macOS, where
 * libuv counts only wholly unused pages (see `macMemory.ts`). GPU memory is
 * read beside the samples (see `GpuMemoryReader`): a sample takes the last
 * recent reading and never waits for nvidia-smi.
 */
export class SystemProbe {
  private readonly machine: MachineInfo;
  private readonly clock: () => number;
  private readonly platform: NodeJS.Platform;
  private readonly arch: string;
  private readonly exec: RunCommand;
  private readonly constrainedMemory: () => number | undefined;
  private readonly unifiedSetting: boolean | null;
  private readonly gpuReads: GpuReads;
  private readonly sysfsRoot: string;
  private readonly procRoot: string;
  private readonly swapUsed: (() => number) | undefined;
  private readonly simulatedMachine: string | undefined;
  private readonly gpuWaitMs: number;
  private readonly gpu: GpuMemoryReader | null;
  private readonly ownCpu: (() => number) | undefined;
  private previous: CpuMark;
  private lastWindow: CpuWindow | null = null;
  private appleSilicon: Promise<boolean> | null = null;
  /** Set once nvidia-smi shows a GB10 or a Jetson: the hardware does not change. */
  private nvidiaUnified = false;
  private amdApu: boolean | null = null;
  private gpuInUse: boolean | null = null;

  constructor(options: SystemProbeOptions = {}) {
    this.machine = options.machine ?? os;
    this.clock = options.clock ?? Date.now;
    this.platform = options.platform ?? process.platform;
    this.arch = options.arch ?? process.arch;
    this.exec = options.exec ?? runCommand;
    this.constrainedMemory = options.constrainedMemory ?? (() => process.constrainedMemory());
    this.unifiedSetting = options.unifiedMemory ?? null;
    this.gpuReads = options.gpuReads ?? 'auto';
    this.sysfsRoot = options.sysfsRoot ?? '/sys';
    this.procRoot = options.procRoot ?? '/proc';
    this.swapUsed = options.swapUsed;
    this.simulatedMachine = options.simulatedMachine;
    this.gpuWaitMs = options.gpuWaitMs ?? 0;
    this.gpu = options.gpu === undefined ? this.defaultGpuReader() : options.gpu;
    this.ownCpu = options.ownCpu;
    this.previous = options.cpuFrom ?? this.markCpu();
  }

  /**
   * Whether Ollama holds any model in GPU memory, as its last answer said
   * (any `size_vram` above 0); null when it could not be asked. Under
   * `gpuReads: 'auto'`, false stops the GPU reads that would keep a laptop's
   * discrete GPU awake.
   */
  setGpuInUse(inUse: boolean | null): void {
    this.gpuInUse = inUse;
  }

  /** The window the last sample's CPU figure covers, and how long it waited for it; null before the first sample. */
  cpuWindow(): CpuWindow | null {
    return this.lastWindow;
  }

  private markCpu(): CpuMark {
    return markCpu({
      machine: this.machine,
      platform: this.platform,
      clock: this.clock,
      ownCpu: this.ownCpu ?? (() => 0),
    });
  }

  /**
   * Samples now, waiting first until at least `minWindowMs` have passed since
   * the previous sample: a few milliseconds of CPU time say nothing. The
   * memory readings run during that wait, and a GPU reading that finishes
   * within it is used. Never rejects: what could not be read is null.
   */
  async sample(minWindowMs = 0): Promise<SystemReading> {
    const startedAt = this.clock();
    const gpuRun = this.startGpuRead();
    this.startAmdCheck();
    const memory = readPlatformMemory({
      platform: this.platform,
      exec: this.exec,
      freemem: () => this.machine.freemem(),
      swapUsed: this.swapUsed,
      procRoot: this.procRoot,
    }).catch(() => NOTHING_READ);
    const unifiedNow = this.unified();
    const wait = this.previous.at + minWindowMs - this.clock();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const mark = this.markCpu();
    const cpuPercent = cpuPercentBetween(
      this.previous.times,
      mark.times,
      this.ownCpu ? mark.ownMs - this.previous.ownMs : 0,
    );
    this.lastWindow = { ms: mark.at - this.previous.at, waitedMs: Math.max(0, wait), cores: mark.cores ?? 0 };
    this.previous = mark;
    const totalBytes = this.machine.totalmem();
    const [{ freeBytes, pressure, swapUsedBytes }, unified] = await Promise.all([memory, unifiedNow]);
    await waitAtMost(gpuRun, startedAt + this.gpuWaitMs - this.clock());
    const { gpu, hint } = unified ? { gpu: null, hint: false } : this.gpuNow();
    // gpuNow may just have found a GB10 or a Jetson.
    const unifiedMemory = unified || this.nvidiaUnified;
    return {
      totalBytes,
      freeBytes: freeBytes === null ? null : Math.min(freeBytes, totalBytes),
      cpuPercent,
      pressure,
      constrainedBytes: this.constrained(totalBytes),
      gpu,
      unifiedMemory,
      swapUsedBytes,
      unifiedMemoryHint: hint,
      ...(this.simulatedMachine !== undefined && { simulatedMachine: this.simulatedMachine }),
    };
  }

  private defaultGpuReader(): GpuMemoryReader | null {
    // No NVIDIA driver has run on macOS for years, and unified memory has no
    // dedicated memory to read: neither is worth a spawn.
    if (this.platform === 'darwin' || this.unifiedSetting === true || this.gpuReads === 'never') return null;
    return new GpuMemoryReader({ exec: this.exec, clock: this.clock, mayRun: () => this.mayReadGpu() });
  }

  private async mayReadGpu(): Promise<boolean> {
    const devices =
      this.platform === 'linux' && this.gpuReads === 'auto' ? await nvidiaPowerStates(this.sysfsRoot) : null;
    return mayReadNvidia(this.gpuReads, devices, this.gpuInUse);
  }

  /**
   * Starts a GPU reading when one is due, and does not wait for it: a slow or
   * hung nvidia-smi never holds a poll. Returns the reading under way, if any.
   */
  private startGpuRead(): Promise<void> | null {
    if (!this.gpu || this.nvidiaUnified || this.unifiedSetting === true) return null;
    try {
      return this.gpu.refresh().catch(() => undefined);
    } catch {
      // A reader that throws outright leaves GPU memory unknown, never the sample failed.
      return null;
    }
  }

  /** Once, beside the samples too: whether an AMD APU's memory layout hints at unified memory. */
  private startAmdCheck(): void {
    if (this.amdApu !== null || this.unifiedSetting !== null || this.platform !== 'linux') return;
    this.amdApu = false;
    looksLikeAmdApu(this.sysfsRoot)
      .then((apu) => {
        this.amdApu = apu;
      })
      .catch(() => undefined);
  }

  /** The GPU memory of the last recent reading, and whether it hints at unified memory. */
  private gpuNow(): { readonly gpu: GpuMemory | null; readonly hint: boolean } {
    let reading: GpuReading | null;
    try {
      reading = this.gpu?.latest() ?? null;
    } catch {
      reading = null;
    }
    const verdict = this.unifiedSetting === null ? unifiedFromNvidia(reading, this.arch) : 'no';
    if (verdict === 'unified') {
      this.nvidiaUnified = true;
      return { gpu: null, hint: false };
    }
    return {
      gpu: reading?.memory ?? null,
      hint: this.unifiedSetting === null && (verdict === 'maybe' || this.amdApu === true),
    };
  }

  /** Whether memory is unified: the setting, else Apple Silicon (asked once), else what nvidia-smi showed. */
  private async unified(): Promise<boolean> {
    if (this.unifiedSetting !== null) return this.unifiedSetting;
    if (this.platform === 'darwin') {
      this.appleSilicon ??= isAppleSilicon(this.exec, this.arch).catch(() => this.arch === 'arm64');
      return this.appleSilicon;
    }
    return this.nvidiaUnified;
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
