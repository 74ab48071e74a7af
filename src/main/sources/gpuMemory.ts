import type { GpuMemory } from '../core/readings';

/** Runs a program and resolves with its standard output; rejects when it fails, exits non-zero or times out. */
type RunCommand = (file: string, args: readonly string[], options: { readonly timeoutMs: number }) => Promise<string>;

const MIB = 1024 * 1024;

/** One `total, used` pair in MiB, as `--format=csv,noheader,nounits` prints it; `[N/A]` fails the pattern. */
const GPU_LINE = /^\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*$/;

/**
 * The GPUs' dedicated memory from `nvidia-smi --query-gpu=memory.total,memory.used
 * --format=csv,noheader,nounits`: one line per GPU in MiB (`24564, 13320`),
 * summed over the GPUs. A line that does not read (`[N/A], [N/A]` where the
 * driver will not say, or anything else) is that GPU unknown and left out;
 * null when no GPU could be read.
 */
export function parseNvidiaSmi(text: string): GpuMemory | null {
  let totalMib = 0;
  let usedMib = 0;
  let known = 0;
  for (const line of text.split(/\r?\n/)) {
    const match = GPU_LINE.exec(line);
    if (!match) continue;
    const total = Number(match[1]);
    const used = Number(match[2]);
    if (total <= 0 || used > total) continue;
    totalMib += total;
    usedMib += used;
    known += 1;
  }
  return known === 0 ? null : { totalBytes: Math.round(totalMib * MIB), usedBytes: Math.round(usedMib * MIB) };
}

export interface GpuMemoryReaderOptions {
  /** Runs nvidia-smi; the probe passes `execFile` with a timeout. */
  readonly exec: RunCommand;
  readonly clock?: () => number;
  /** How long one reading stands; 30 s by default. */
  readonly intervalMs?: number;
}

const NVIDIA_SMI = 'nvidia-smi';
const QUERY = ['--query-gpu=memory.total,memory.used', '--format=csv,noheader,nounits'];
const TIMEOUT_MS = 2_000;
const INTERVAL_MS = 30_000;

function isMissingProgram(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/**
 * NVIDIA GPU memory through nvidia-smi, which costs a process start and some
 * tens of milliseconds of the driver's time: it runs at most once per interval
 * and answers with that reading in between (a poll every few seconds needs no
 * fresher figure for memory that moves when a model loads). A machine without
 * nvidia-smi pays one failed spawn: after ENOENT it is never run again.
 */
export class GpuMemoryReader {
  private readonly exec: RunCommand;
  private readonly clock: () => number;
  private readonly intervalMs: number;
  private missing = false;
  private last: { readonly at: number; readonly value: Promise<GpuMemory | null> } | null = null;

  constructor(options: GpuMemoryReaderOptions) {
    this.exec = options.exec;
    this.clock = options.clock ?? Date.now;
    this.intervalMs = options.intervalMs ?? INTERVAL_MS;
  }

  /** The latest reading, running nvidia-smi when the last is older than the interval; never rejects. */
  read(): Promise<GpuMemory | null> {
    if (this.missing) return Promise.resolve(null);
    const now = this.clock();
    // A reading still under way is shared too, so overlapping polls start one nvidia-smi.
    if (this.last && now - this.last.at < this.intervalMs) return this.last.value;
    const value = this.run();
    this.last = { at: now, value };
    return value;
  }

  private async run(): Promise<GpuMemory | null> {
    try {
      return parseNvidiaSmi(await this.exec(NVIDIA_SMI, QUERY, { timeoutMs: TIMEOUT_MS }));
    } catch (error) {
      // Any other failure (no driver loaded, a hung driver past the timeout)
      // may pass, so it is tried again after the interval.
      if (isMissingProgram(error)) this.missing = true;
      return null;
    }
  }
}
