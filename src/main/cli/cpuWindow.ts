import { shortestCpuWindowMs, type CpuWindow } from '../core/cpu';

/** `--cpu-window` given without a value: the window a one-shot look always waited for before it measured the run. */
export const DEFAULT_CPU_WINDOW_MS = 250;
/** Two ticks of Linux's and macOS's CPU counters: below it no machine counts anything. */
export const MIN_CPU_WINDOW_MS = 20;
/** A minute: past it, a look is a watch (`--watch`). */
export const MAX_CPU_WINDOW_MS = 60_000;

/** What a one-shot look's CPU figure covers, for the text to say. */
export interface CpuWindowNote {
  /** From the command's start to the sample, in ms. */
  readonly windowMs: number;
  /** How much of it the look waited, in ms: 0 unless `--cpu-window` asked for more than the run took. */
  readonly waitedMs: number;
  /** The shortest window that says something on this machine (shortestCpuWindowMs). */
  readonly shortestMs: number;
  readonly cores: number;
  /** Whether the window reached it; when not, the figure is left unknown. */
  readonly enough: boolean;
}

/** Whether a look's CPU window was long enough for the machine's counters to say something. */
export function cpuWindowNote(window: CpuWindow, tickMs: number): CpuWindowNote {
  const shortestMs = shortestCpuWindowMs(window.cores, tickMs);
  return {
    windowMs: window.ms,
    waitedMs: window.waitedMs,
    shortestMs,
    cores: window.cores,
    enough: window.ms >= shortestMs,
  };
}

/** Seconds to a hundredth, cut rather than rounded: a run of 99 ms is not said to have lasted 0.1 s. */
export function windowSeconds(ms: number): string {
  return (Math.floor(ms / 10) / 100).toFixed(2);
}

/** `status --timings`'s second line: the window, the wait in it, and the shortest that tells on this machine. */
export function cpuWindowTimings(note: CpuWindowNote): string {
  const needed = Number.isFinite(note.shortestMs)
    ? `${String(note.shortestMs)} ms needed on ${String(note.cores)} ${note.cores === 1 ? 'core' : 'cores'}`
    : 'no cores listed';
  const window = `${String(Math.round(note.windowMs))} ms from the command's start to its CPU sample`;
  return `cpu window: ${window} · waited ${String(Math.round(note.waitedMs))} ms · ${needed}`;
}
