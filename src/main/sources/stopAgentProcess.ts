import { setTimeout as delay } from 'node:timers/promises';
import { errorText } from '../../shared/errorText';
import { classifyEchoProcess, ERLANG_VM_EXECUTABLES, sameRoot } from '../core/echoProcess';
import { describeProcess, pidRuns, type ListedProcess } from './processListing';

/** `not_sent`: nothing was signalled; `no_answer`: signalled, and it has not exited in time. */
export type StopAgentResult = { readonly ok: true } | { readonly ok: false; readonly failure: 'not_sent' | 'no_answer'; readonly error: string };

/** The one process to stop, and the checks it must pass right before the signal. */
export interface StopTarget {
  readonly pid: number;
  readonly role: string;
  /** The only ECHO root whose agents may be signalled: the configured one, or the one root running here. */
  readonly root: string;
}

export interface StopAgentOptions {
  /** How long the agent has to exit after SIGTERM (default 5000 ms). */
  readonly timeoutMs?: number;
  /** How often to look whether it has (default 50 ms). */
  readonly pollMs?: number;
  /** The pid's process now, with its arguments and working directory, or null when no such process runs. */
  readonly describe?: (pid: number) => Promise<ListedProcess | null>;
  /** Executables that may run an agent beside the Erlang VM's (the demo's stand-ins). */
  readonly extraVmExecutables?: readonly string[];
  /** This process's user id; another user's agent is never signalled. Null where there are none (Windows). */
  readonly uid?: number | null;
}

function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

const seconds = (ms: number): string => `${ms / 1000} s`;

/** Why this process must not be signalled as the target, or null when it may. */
function refusal(process: ListedProcess | null, target: StopTarget, vmExecutables: readonly string[], uid: number | null): string | null {
  const { pid, role } = target;
  if (process === null) return `pid ${pid} no longer runs; nothing was signalled`;
  const echo = classifyEchoProcess(process, vmExecutables);
  // By its executable: a wrapper (timeout, nohup's shell, a restart loop) carries the same path and is never the agent.
  if (echo?.kind !== 'agent' || echo.role !== role) return `pid ${pid} is not ${role}'s Erlang VM; nothing was signalled`;
  if (echo.root === null || !sameRoot(echo.root, target.root)) {
    return `pid ${pid} runs ${role} from ${echo.root ?? 'a checkout this machine cannot tell'}, not from ${target.root}; nothing was signalled`;
  }
  if (uid !== null && process.uid !== null && process.uid !== uid) return `pid ${pid} belongs to another user (uid ${process.uid}); nothing was signalled`;
  return null;
}

/**
 * Stops one ECHO agent's Erlang VM: SIGTERM (an Erlang VM stops on it; on
 * Windows `process.kill` terminates it), then waits for it to exit. Pids get
 * reused and wrappers carry an agent's path, so right before the signal the
 * pid is read again and must still be that role's VM, under that root, of
 * this user; otherwise nothing is signalled.
 */
export async function stopAgentProcess(target: StopTarget, options: StopAgentOptions = {}): Promise<StopAgentResult> {
  const { pid, role } = target;
  const timeoutMs = options.timeoutMs ?? 5000;
  const pollMs = Math.max(1, options.pollMs ?? 50);
  const describe = options.describe ?? ((candidate: number) => describeProcess(candidate));
  const vmExecutables = [...ERLANG_VM_EXECUTABLES, ...(options.extraVmExecutables ?? [])];
  const uid = options.uid === undefined ? (process.getuid?.() ?? null) : options.uid;
  const who = `${role} (pid ${pid})`;
  // 0 and negative pids name process groups, or every process: never signal those.
  if (!Number.isSafeInteger(pid) || pid <= 0) return { ok: false, failure: 'not_sent', error: `${pid} is not a process id` };

  const why = async (): Promise<string | null> => refusal(await describe(pid), target, vmExecutables, uid);
  try {
    const refused = await why();
    if (refused !== null) return { ok: false, failure: 'not_sent', error: refused };
  } catch (error) {
    return { ok: false, failure: 'not_sent', error: `could not read pid ${pid}: ${errorText(error)}` };
  }

  try {
    process.kill(pid, 'SIGTERM');
  } catch (error) {
    if (hasCode(error, 'ESRCH')) return { ok: true };
    return { ok: false, failure: 'not_sent', error: `could not signal ${who}: ${errorText(error)}` };
  }

  const deadline = performance.now() + timeoutMs;
  while (pidRuns(pid)) {
    const left = deadline - performance.now();
    if (left <= 0) {
      // It may have exited and its pid gone to another process in the meantime.
      const stillThere = await why().then((refused) => refused === null, () => true);
      return stillThere ? { ok: false, failure: 'no_answer', error: `${who} has not exited within ${seconds(timeoutMs)}` } : { ok: true };
    }
    await delay(Math.min(pollMs, left));
  }
  return { ok: true };
}
