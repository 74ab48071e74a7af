import { setTimeout as delay } from 'node:timers/promises';
import { errorText } from '../../../shared/errorText';
import { classifyEchoProcess, ERLANG_VM_EXECUTABLES, sameRoot } from '../../core/echoProcess';
import { ownedBy } from '../../core/processOwner';
import type { ScannedProcess } from './scannedProcess';
import { describeProcess, pidRuns, type ListedProcess } from './processListing';
import { measureWithPidusage } from './processMeasure';
import { readProcessStart, sameStart, type ProcessStart } from './processStartTime';

/** `not_sent`: nothing was signalled; `no_answer`: signalled, and it has not exited in time. */
export type StopAgentResult =
  { readonly ok: true } | { readonly ok: false; readonly failure: 'not_sent' | 'no_answer'; readonly error: string };

/** The process Stop chose from the snapshot the user acted on. */
export interface StopTarget {
  readonly pid: number;
  readonly role: string;
  /** The only ECHO root whose agents may be signalled: the configured one, or the one root running here. */
  readonly root: string;
}

/** That process as this machine's scan found it: its start tells it from any later process given its pid. */
export interface ScannedStopTarget extends StopTarget {
  readonly start: ProcessStart;
}

/** What the scan found, by pid: the scanner (sources/processes/agentProcessScanner.ts). */
export interface ScannedProcesses {
  found(pid: number): ScannedProcess | null;
}

export interface StopAgentOptions {
  /** How long the agent has to exit after SIGTERM (default 5000 ms). */
  readonly timeoutMs?: number;
  /** How often to look whether it has (default 50 ms). */
  readonly pollMs?: number;
  /** The pid's process now, with its arguments and working directory, or null when no such process runs. */
  readonly describe?: (pid: number) => Promise<ListedProcess | null>;
  /** When the pid's process started, now; null when no such process runs. */
  readonly startOf?: (pid: number) => Promise<ProcessStart | null>;
  /**
   * The look right before the signal, with no wait between it and the kill:
   * the pid's start read at once (Linux's /proc/<pid>/stat); null when it no
   * longer runs; undefined where the platform cannot say without starting a
   * program, which the look just before (`startOf`) then stands for.
   */
  readonly lastLook?: (pid: number) => ProcessStart | null | undefined;
  /** Executables that may run an agent beside the Erlang VM's (the demo's stand-ins). */
  readonly extraVmExecutables?: readonly string[];
  /** The monitor's user id, the only owner whose agent is signalled. Null where there are none (Windows). */
  readonly uid?: number | null;
}

function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

const seconds = (ms: number): string => `${ms / 1000} s`;
const notSent = (error: string): StopAgentResult => ({ ok: false, failure: 'not_sent', error });

/** The start as the platform tells it now: exactly from /proc on Linux, else from `ps`'s elapsed time. */
async function startNow(pid: number): Promise<ProcessStart | null> {
  const read = readProcessStart(pid);
  if (read !== undefined) return read;
  const measured = (await measureWithPidusage()([pid])).get(pid);
  return measured === undefined ? null : { ticks: null, at: measured.startedAt };
}

/** Why this process must not be signalled as the target, or null when it may. */
function refusal(
  process: ListedProcess | null,
  start: ProcessStart | null,
  target: ScannedStopTarget,
  vmExecutables: readonly string[],
  uid: number | null,
): string | null {
  const { pid, role } = target;
  if (process === null || start === null) return `pid ${pid} no longer runs; nothing was signalled`;
  const echo = classifyEchoProcess(process, vmExecutables);
  // By its executable: a wrapper (timeout, nohup's shell, a restart loop) carries the same path and is never the agent.
  if (echo?.kind !== 'agent' || echo.role !== role)
    return `pid ${pid} is not ${role}'s Erlang VM; nothing was signalled`;
  if (echo.root === null || !sameRoot(echo.root, target.root)) {
    return `pid ${pid} runs ${role} from ${echo.root ?? 'a checkout this machine cannot tell'}, not from ${target.root}; nothing was signalled`;
  }
  if (!ownedBy(process, uid))
    return `pid ${pid} belongs to another user (uid ${process.uid ?? 'unknown'}); nothing was signalled`;
  // Pids are reused: the number may now be a later process that looks the same.
  if (!sameStart(start, target.start))
    return `pid ${pid} is no longer the process the scan found (it started at another time); nothing was signalled`;
  return null;
}

/**
 * Stops one ECHO agent's Erlang VM: SIGTERM (an Erlang VM stops on it; on
 * Windows `process.kill` terminates it), then waits for it to exit. Pids get
 * reused and look-alikes carry an agent's path, so right before the signal
 * the pid is read again and must still be that role's VM, under that root,
 * wholly of this user, and the very process the scan found (its start time);
 * the start is read once more with nothing in between it and the kill.
 * Node has no pidfd (pidfd_open), and no package provides one, so a pid
 * reused in the microseconds between that last read and the signal is the
 * one chance left.
 */
export async function stopAgentProcess(
  target: ScannedStopTarget,
  options: StopAgentOptions = {},
): Promise<StopAgentResult> {
  const { pid, role } = target;
  const timeoutMs = options.timeoutMs ?? 5000;
  const pollMs = Math.max(1, options.pollMs ?? 50);
  const describe = options.describe ?? ((candidate: number) => describeProcess(candidate));
  const startOf = options.startOf ?? startNow;
  const lastLook = options.lastLook ?? ((candidate: number) => readProcessStart(candidate));
  const vmExecutables = [...ERLANG_VM_EXECUTABLES, ...(options.extraVmExecutables ?? [])];
  const uid = options.uid === undefined ? (process.getuid?.() ?? null) : options.uid;
  const who = `${role} (pid ${pid})`;
  // 0 and negative pids name process groups, or every process: never signal those.
  if (!Number.isSafeInteger(pid) || pid <= 0) return notSent(`${pid} is not a process id`);

  const why = async (): Promise<string | null> =>
    refusal(await describe(pid), await startOf(pid), target, vmExecutables, uid);
  try {
    const refused = await why();
    if (refused !== null) return notSent(refused);
  } catch (error) {
    return notSent(`could not read pid ${pid}: ${errorText(error)}`);
  }

  try {
    const last = lastLook(pid);
    // It exited since it was read: nothing is left to stop.
    if (last === null) return { ok: true };
    if (last !== undefined && !sameStart(last, target.start))
      return notSent(
        `pid ${pid} is no longer the process the scan found (it started at another time); nothing was signalled`,
      );
    process.kill(pid, 'SIGTERM');
  } catch (error) {
    if (hasCode(error, 'ESRCH')) return { ok: true };
    return notSent(`could not signal ${who}: ${errorText(error)}`);
  }

  const deadline = performance.now() + timeoutMs;
  while (stillRuns(pid, target.start, lastLook)) {
    const left = deadline - performance.now();
    if (left <= 0) {
      // It may have exited and its pid gone to another process in the meantime.
      const stillThere = await why().then(
        (refused) => refused === null,
        () => true,
      );
      return stillThere
        ? { ok: false, failure: 'no_answer', error: `${who} has not exited within ${seconds(timeoutMs)}` }
        : { ok: true };
    }
    await delay(Math.min(pollMs, left));
  }
  return { ok: true };
}

/**
 * Whether that very process still runs (a zombie has exited; a later process given its pid is another); true while that
 * cannot be told.
 */
function stillRuns(
  pid: number,
  start: ProcessStart,
  lastLook: (pid: number) => ProcessStart | null | undefined,
): boolean {
  try {
    const now = lastLook(pid);
    if (now === undefined) return pidRuns(pid);
    return now !== null && sameStart(now, start);
  } catch {
    // No descriptor left to look: it may well run; the deadline decides.
    return true;
  }
}

/**
 * Stops the agent Stop chose, only if this machine's scan found that pid as
 * that role's VM under that root, wholly of this user: a pid that only a
 * registry names (whatever host it gives), another root's, another user's or
 * one never scanned is never signalled. The start the scan measured goes
 * with it, so a later process given the same pid is refused.
 */
export async function stopScannedAgent(
  target: StopTarget,
  scanned: ScannedProcesses | null,
  options: StopAgentOptions = {},
): Promise<StopAgentResult> {
  const { pid, role } = target;
  const found = scanned?.found(pid) ?? null;
  if (found === null)
    return notSent(`pid ${pid} is not a process this machine's scan found running ${role}; nothing was signalled`);
  if (found.echo.kind !== 'agent' || found.echo.role !== role)
    return notSent(`pid ${pid} is not ${role}'s Erlang VM; nothing was signalled`);
  if (found.echo.root === null || !sameRoot(found.echo.root, target.root))
    return notSent(
      `pid ${pid} runs ${role} from ${found.echo.root ?? 'a checkout this machine cannot tell'}, not from ${target.root}; nothing was signalled`,
    );
  const uid = options.uid === undefined ? (process.getuid?.() ?? null) : options.uid;
  if (!ownedBy(found, uid))
    return notSent(`pid ${pid} belongs to another user (uid ${found.uid ?? 'unknown'}); nothing was signalled`);
  return stopAgentProcess({ ...target, start: found.start }, options);
}
