import { formatBytes } from '../../shared/format';
import type { MachineStandIn } from '../core/machineStandIn';
import { readKernelUnits, readProcStat } from '../sources/processes/procFiles';
import type { DemoGpu } from './gpuPlacement';
import { SeededRandom } from './random';

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

/**
 * The demo's RAM. Its crews use seven models, 63.7 GB (59.3 GiB) were all of
 * them held at once, as they can be: a session's models stay loaded 5 minutes
 * after it ends, and at ten times life's speed sessions come and go within
 * that. The 12 GB GPU takes about 11 GiB of them, so up to some 49 GiB sit in
 * RAM beside the OS's few: 32 GiB would run short, and 64 GiB (two 32 GiB
 * modules) is what a workstation with a 12 GB card commonly has.
 */
export const DEMO_RAM_BYTES = 64 * GIB;

/** Nothing swapped: with 64 GiB the demo's machine never runs short. */
const SWAP_USED_BYTES = 0;
/** The OS and other programs' memory drifts this much either way, over this period, as a desktop's does. */
const BASE_DRIFT_BYTES = 160 * MIB;
const BASE_DRIFT_PERIOD_MS = 10 * 60_000;

/** A model as `/api/ps` lists it: its size, and the part of it in GPU memory. */
export interface HeldModel {
  readonly size: number;
  readonly size_vram: number;
}

export interface DemoMachineOptions {
  readonly seed: number;
  readonly gpu: DemoGpu;
  /** The models the Ollama stand-in holds now. */
  readonly models: () => readonly HeldModel[];
  /** The agents' pids now: their processes are real, and their resident memory is the machine's too. */
  readonly agentPids?: () => readonly number[];
  /** Wall-clock time, for the drift of the OS's memory. */
  readonly clock?: () => number;
  /** A process's resident memory; by default read from procfs on Linux, and left out elsewhere. */
  readonly residentBytes?: (pid: number) => number | null;
}

/** The OS's and other programs' use, before any agent or model: 3 to 4.5 GiB as the seed decides, drifting slowly. */
export function baseRamBytes(seed: number, now: number): number {
  const random = new SeededRandom((seed ^ 0x27d4eb2f) >>> 0);
  const mean = random.int(3072, 4608) * MIB;
  const phase = random.next() * 2 * Math.PI;
  return Math.round(mean + BASE_DRIFT_BYTES * Math.sin((2 * Math.PI * now) / BASE_DRIFT_PERIOD_MS + phase));
}

/**
 * A process's resident memory from `/proc/<pid>/stat`, on Linux only: a few
 * small reads a sample. Elsewhere it would take a process listing (`ps`, a
 * process table), too dear for a figure within the OS's drift, and is left
 * out.
 */
function procResidentBytes(): (pid: number) => number | null {
  if (process.platform !== 'linux') return () => null;
  let pageBytes: number | null = null;
  return (pid) => {
    const stat = readProcStat(pid);
    if (stat === null || !Number.isFinite(stat.rssPages)) return null;
    pageBytes ??= readKernelUnits().pageBytes;
    return stat.rssPages * pageBytes;
  };
}

/**
 * The machine the demo simulates: 64 GiB of RAM and a 12 GB GPU. Its figures
 * add up with what runs on it: free memory is its RAM less the OS's use, the
 * loaded models' parts outside GPU memory and the agents' resident memory;
 * the GPU's used memory is the desktop's share and the models' `size_vram`,
 * as nvidia-smi would count them.
 */
export function demoMachine(options: DemoMachineOptions): MachineStandIn {
  const clock = options.clock ?? Date.now;
  const residentBytes = options.residentBytes ?? procResidentBytes();
  const agentsBytes = (): number =>
    (options.agentPids?.() ?? []).reduce((sum, pid) => sum + (residentBytes(pid) ?? 0), 0);
  return {
    description: `simulated machine: ${formatBytes(DEMO_RAM_BYTES)} RAM, ${formatBytes(options.gpu.totalBytes)} GPU`,
    totalBytes: DEMO_RAM_BYTES,
    freeBytes() {
      const inRam = options.models().reduce((sum, model) => sum + Math.max(0, model.size - model.size_vram), 0);
      const free = DEMO_RAM_BYTES - baseRamBytes(options.seed, clock()) - inRam - agentsBytes();
      // MemAvailable is counted in KiB.
      return Math.max(0, Math.floor(free / KIB) * KIB);
    },
    swapUsedBytes: () => SWAP_USED_BYTES,
    nvidiaSmi() {
      const used = options.gpu.baseBytes + options.models().reduce((sum, model) => sum + model.size_vram, 0);
      // nvidia-smi prints whole MiB, cut down, as NVML's bytes divide.
      return `${String(Math.floor(options.gpu.totalBytes / MIB))}, ${String(Math.floor(Math.min(used, options.gpu.totalBytes) / MIB))}\n`;
    },
  };
}
