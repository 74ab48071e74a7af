import os from 'node:os';
import type { MachineStandIn } from '../../core/machineStandIn';
import { GpuMemoryReader, readNvidiaSmi, type GpuReading } from './gpuMemory';
import type { SystemProbeOptions } from './systemProbe';

/**
 * The stand-in's GPU, read through nvidia-smi's own parser as a real one's
 * answer is, but at each sample rather than every 30 s: its memory moves the
 * moment a model loads, and the figure must match the models listed beside it.
 */
class StandInGpu extends GpuMemoryReader {
  constructor(
    private readonly standIn: MachineStandIn,
    private readonly now: () => number,
  ) {
    super({ exec: () => Promise.resolve(standIn.nvidiaSmi()) });
  }

  override refresh(): Promise<void> {
    return Promise.resolve();
  }

  override latest(): GpuReading {
    return { at: this.now(), ...readNvidiaSmi(this.standIn.nvidiaSmi()) };
  }
}

/**
 * The machine's CPU times, with Windows' interrupt time left in the kernel's, where the probe's Linux sum expects it
 * apart.
 */
function cpusOf(platform: NodeJS.Platform): () => os.CpuInfo[] {
  if (platform !== 'win32') return () => os.cpus();
  return () => os.cpus().map((cpu) => ({ ...cpu, times: { ...cpu.times, irq: 0 } }));
}

/**
 * What the system probe reads in place of this machine's memory and GPU: the
 * stand-in's RAM, free memory, swap and nvidia-smi answer, read as on a Linux
 * machine with a discrete NVIDIA GPU (MemAvailable is free memory; no memory
 * pressure; not unified) and no container limit. The CPU is this machine's,
 * where the agents really run.
 */
export function simulatedMachineOptions(standIn: MachineStandIn, clock: () => number = Date.now): SystemProbeOptions {
  return {
    machine: { cpus: cpusOf(process.platform), totalmem: () => standIn.totalBytes, freemem: () => standIn.freeBytes() },
    platform: 'linux',
    unifiedMemory: false,
    gpu: new StandInGpu(standIn, clock),
    swapUsed: () => standIn.swapUsedBytes(),
    simulatedMachine: standIn.description,
    // The real machine's cgroup limit says nothing of the simulated one's RAM.
    constrainedMemory: () => undefined,
  };
}
