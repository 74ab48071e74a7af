import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LaunchedProgram } from '../../src/main/sources/processes/powerShellLaunch';
import {
  ANSWER_END,
  PowerShellSession,
  type PowerShellSessionOptions,
} from '../../src/main/sources/processes/powerShellSession';
import { runEnvironment } from './testRun';

const STAND_IN = join(import.meta.dirname, 'windowsTableStandIn.mjs');

/** What the stand-in does besides answering (windowsTableStandIn.mjs says each). */
export interface StandInFaults {
  /** A file whose JSON line it answers, read at each request; else the recorded table. */
  readonly tableFile?: string;
  readonly exitAtOnce?: { readonly code: number; readonly stderr: string };
  readonly hangOn?: readonly number[];
  readonly lateBy?: { readonly request: number; readonly ms: number };
  readonly staleBefore?: readonly number[];
}

/** The stand-in as the session starts PowerShell: a program, its arguments and its whole environment. */
export function standInProgram(faults: StandInFaults = {}): LaunchedProgram {
  return {
    file: process.execPath,
    args: [STAND_IN, JSON.stringify({ end: ANSWER_END, ...faults })],
    env: { PATH: process.env.PATH ?? '', ...runEnvironment() },
  };
}

/** A session whose program is the stand-in, with the pid of every program it started, in order. */
export function standInSession(
  faults: StandInFaults = {},
  options: Omit<PowerShellSessionOptions, 'program' | 'onStart'> = {},
): { readonly session: PowerShellSession; readonly started: readonly number[] } {
  const started: number[] = [];
  const session = new PowerShellSession({
    ...options,
    program: standInProgram(faults),
    onStart: (pid) => started.push(pid),
  });
  return { session, started };
}

/** Whether a process with this pid exists (one of another user's counts). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until the pid is gone (this process reaps its children as their exit is signalled); false if it stays. */
export async function pidGone(pid: number, withinMs = 5000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (pidExists(pid)) {
    if (Date.now() > until) return false;
    await sleep(10);
  }
  return true;
}

/** What one answer says of itself: which request of its process it answers, and that process's pid. */
export function answerOrigin(stdout: string): { readonly request: unknown; readonly answeredBy: unknown } {
  const line = stdout.split('\n').findLast((text) => text.startsWith('{'));
  const parsed: unknown = line === undefined ? null : JSON.parse(line);
  if (typeof parsed !== 'object' || parsed === null) return { request: null, answeredBy: null };
  return {
    request: 'request' in parsed ? parsed.request : null,
    answeredBy: 'answeredBy' in parsed ? parsed.answeredBy : null,
  };
}
