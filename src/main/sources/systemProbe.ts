import os from 'node:os';
import { cpuPercentBetween, sumCpuTimes, type CpuTimes } from '../core/cpu';
import type { SystemReading } from '../core/readings';

/** What the probe needs of the machine; `node:os` by default. */
export type MachineInfo = Pick<typeof os, 'cpus' | 'totalmem' | 'freemem'>;

/** The machine's memory and CPU utilisation, the latter measured between two samples. */
export class SystemProbe {
  private previous: { times: CpuTimes; at: number };

  constructor(
    private readonly machine: MachineInfo = os,
    private readonly clock: () => number = Date.now,
  ) {
    this.previous = { times: sumCpuTimes(machine.cpus()), at: clock() };
  }

  /**
   * Samples now, waiting first until at least `minWindowMs` have passed since
   * the previous sample: a few milliseconds of CPU time say nothing.
   */
  async sample(minWindowMs = 0): Promise<SystemReading> {
    const wait = this.previous.at + minWindowMs - this.clock();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const times = sumCpuTimes(this.machine.cpus());
    const cpuPercent = cpuPercentBetween(this.previous.times, times);
    this.previous = { times, at: this.clock() };
    return { totalBytes: this.machine.totalmem(), freeBytes: this.machine.freemem(), cpuPercent };
  }
}
