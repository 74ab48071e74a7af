import type { GpuMemory } from '../../core/readings';

/**
 * Runs a program and resolves with its standard output; rejects when it fails,
 * exits non-zero or times out. A rejection for a non-zero exit carries the exit
 * status as `code` and what was printed as `stdout`, as `execFile`'s does.
 */
type RunCommand = (file: string, args: readonly string[], options: { readonly timeoutMs: number }) => Promise<string>;

const MIB = 1024 * 1024;

/** One `total, used` pair in MiB, as `--format=csv,noheader,nounits` prints it; `[N/A]` fails the pattern. */
const GPU_LINE = /^\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*$/;
/** What nvidia-smi prints for a field the driver will not give: `[N/A]` now, `[Not Supported]` on older drivers. */
const NOT_REPORTED = /\[(?:N\/A|Not Supported)\]/i;

/** What one nvidia-smi answer says of the GPUs' memory. */
export interface NvidiaSmiGpus {
  /** The memory of the GPUs that gave it, summed; null when none did. */
  readonly memory: GpuMemory | null;
  /** GPUs that gave their memory. */
  readonly known: number;
  /**
   * GPUs listed whose driver will not give their memory (`[N/A]`): what a
   * DGX Spark (GB10) or a Jetson prints, whose GPU has no memory of its own.
   */
  readonly unreported: number;
}

/**
 * The GPUs' dedicated memory from `nvidia-smi --query-gpu=memory.total,memory.used
 * --format=csv,noheader,nounits`: one line per GPU in MiB (`24564, 13320`),
 * summed over the GPUs. A line holding `[N/A]` is a GPU whose memory is not
 * reported, left out of the sum and counted; any other line (a header, a
 * warning) is not a GPU.
 */
export function readNvidiaSmi(text: string): NvidiaSmiGpus {
  let totalMib = 0;
  let usedMib = 0;
  let known = 0;
  let unreported = 0;
  for (const line of text.split(/\r?\n/)) {
    const match = GPU_LINE.exec(line);
    if (!match) {
      if (NOT_REPORTED.test(line)) unreported += 1;
      continue;
    }
    const total = Number(match[1]);
    const used = Number(match[2]);
    if (total <= 0 || used > total) continue;
    totalMib += total;
    usedMib += used;
    known += 1;
  }
  const memory =
    known === 0 ? null : { totalBytes: Math.round(totalMib * MIB), usedBytes: Math.round(usedMib * MIB), count: known };
  return { memory, known, unreported };
}

/** The summed memory of the GPUs that report it; null when no GPU could be read. */
export function parseNvidiaSmi(text: string): GpuMemory | null {
  return readNvidiaSmi(text).memory;
}

/** One finished nvidia-smi answer and when it came. */
export interface GpuReading extends NvidiaSmiGpus {
  /** Epoch ms, by the reader's clock, when nvidia-smi answered. */
  readonly at: number;
}

export interface GpuMemoryReaderOptions {
  /** Runs nvidia-smi; the probe passes `execFile` with a timeout. */
  readonly exec: RunCommand;
  readonly clock?: () => number;
  /** How often nvidia-smi may start; 30 s by default. */
  readonly intervalMs?: number;
  /** How old a reading may be and still count; older is unknown, never 0. 2 minutes by default. */
  readonly maxAgeMs?: number;
  /** How long one nvidia-smi may run before it is killed; 60 s by default. */
  readonly timeoutMs?: number;
  /** Asked before each run: false leaves nvidia-smi unrun this time (a GPU asleep, or none in use). */
  readonly mayRun?: () => boolean | Promise<boolean>;
}

const NVIDIA_SMI = 'nvidia-smi';
const QUERY = ['--query-gpu=memory.total,memory.used', '--format=csv,noheader,nounits'];
const INTERVAL_MS = 30_000;
// A multi-GPU host without the persistence daemon takes up to 30 s to answer;
// nothing waits on a run, so the bound only stops a hung driver from holding a
// process for good.
const TIMEOUT_MS = 60_000;
// Two intervals and a slow run: past that the GPU's memory may have changed
// in any way, and an old figure would be a confident wrong one.
const MAX_AGE_MS = 120_000;
// nvidia-smi's "infoROM is corrupted" status: a warning, printed beside
// valid data (NVIDIA's troubleshooting names it return code 14).
const EXIT_INFOROM_CORRUPTED = 14;

const fieldOf = (error: unknown, field: string): unknown =>
  error instanceof Error && field in error ? (error as unknown as Record<string, unknown>)[field] : undefined;

/**
 * NVIDIA GPU memory through nvidia-smi, read beside the polls rather than in
 * them: `refresh()` starts a run at most once per interval and never waits for
 * it, and `latest()` gives the last answer while it is recent. nvidia-smi costs
 * a process start and the driver's time, 2 to 30 s on a multi-GPU host without
 * the persistence daemon, and wakes a GPU that sleeps; a poll every few seconds
 * needs no fresher figure for memory that moves when a model loads. A machine
 * without nvidia-smi pays one failed spawn: after ENOENT it is never run again.
 */
export class GpuMemoryReader {
  private readonly exec: RunCommand;
  private readonly clock: () => number;
  private readonly intervalMs: number;
  private readonly maxAgeMs: number;
  private readonly timeoutMs: number;
  private readonly mayRun: () => boolean | Promise<boolean>;
  private missing = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private running: Promise<void> | null = null;
  private reading: GpuReading | null = null;

  constructor(options: GpuMemoryReaderOptions) {
    this.exec = options.exec;
    this.clock = options.clock ?? Date.now;
    this.intervalMs = options.intervalMs ?? INTERVAL_MS;
    this.maxAgeMs = options.maxAgeMs ?? MAX_AGE_MS;
    this.timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
    this.mayRun = options.mayRun ?? (() => true);
  }

  /**
   * Starts a run when none is under way and the last began an interval ago.
   * Returns that run (or the one under way), settled when it is done, for a
   * caller that chooses to wait; it never rejects.
   */
  refresh(): Promise<void> {
    if (this.missing) return Promise.resolve();
    if (this.running) return this.running;
    const now = this.clock();
    if (now - this.lastStart < this.intervalMs) return Promise.resolve();
    this.lastStart = now;
    const run = this.run().finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  /** The last answer while it is no older than the bound; null before the first, and once it is older. */
  latest(): GpuReading | null {
    if (this.reading === null || this.clock() - this.reading.at > this.maxAgeMs) return null;
    return this.reading;
  }

  /** Runs nvidia-smi when due and waits for it: for a one-off look, never for a poll. */
  async read(): Promise<GpuMemory | null> {
    await this.refresh();
    return this.latest()?.memory ?? null;
  }

  private async run(): Promise<void> {
    try {
      if (!(await this.mayRun())) return;
    } catch {
      // A check that cannot tell is no reason to read a GPU it was meant to spare.
      return;
    }
    const answer = await this.answer();
    // A run killed at its timeout (a hung driver) leaves the last answer to age;
    // any other failure says the GPUs cannot be read now.
    if (answer.kind === 'timed-out') return;
    this.reading = answer.kind === 'printed' ? { at: this.clock(), ...readNvidiaSmi(answer.text) } : null;
  }

  private async answer(): Promise<
    { readonly kind: 'printed'; readonly text: string } | { readonly kind: 'failed' | 'timed-out' }
  > {
    try {
      return { kind: 'printed', text: await this.exec(NVIDIA_SMI, QUERY, { timeoutMs: this.timeoutMs }) };
    } catch (error) {
      const code = fieldOf(error, 'code');
      const stdout = fieldOf(error, 'stdout');
      if (code === EXIT_INFOROM_CORRUPTED && typeof stdout === 'string') return { kind: 'printed', text: stdout };
      if (code === 'ENOENT') this.missing = true;
      if (fieldOf(error, 'killed') === true) return { kind: 'timed-out' };
      // Anything else (no driver loaded, a driver that refuses) may pass, so it is tried again after the interval.
      return { kind: 'failed' };
    }
  }
}
