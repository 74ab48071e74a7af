import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { errorText } from '../../shared/errorText';
import { agentRoleOf } from '../core/agentCommandLine';
import { pidAlive } from './pidAlive';
import { listProcesses } from './processListing';

/** `not_sent`: nothing was signalled; `no_answer`: signalled, and it has not exited in time. */
export type StopAgentResult = { readonly ok: true } | { readonly ok: false; readonly failure: 'not_sent' | 'no_answer'; readonly error: string };

export interface StopAgentOptions {
  /** How long the agent has to exit after SIGTERM (default 5000 ms). */
  readonly timeoutMs?: number;
  /** How often to look whether it has (default 50 ms). */
  readonly pollMs?: number;
  /** The pid's command line now, or null when no such process runs. */
  readonly confirm?: (pid: number) => Promise<string | null>;
  readonly platform?: NodeJS.Platform;
}

function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

/**
 * A pid's command line as it is now: `/proc/<pid>/cmdline` on Linux (its
 * arguments NUL-separated, joined here with spaces as `ps` shows them), one
 * process listing elsewhere. Null when the process does not exist.
 */
export async function currentCommandLine(pid: number, platform: NodeJS.Platform = process.platform): Promise<string | null> {
  if (platform !== 'linux') {
    return (await listProcesses(platform)).find((entry) => entry.pid === pid)?.commandLine ?? null;
  }
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.replace(/\0$/, '').split('\0').join(' ');
  } catch (error) {
    if (hasCode(error, 'ENOENT') || hasCode(error, 'ESRCH')) return null;
    throw error;
  }
}

const seconds = (ms: number): string => `${ms / 1000} s`;

/**
 * Stops an ECHO agent's process: SIGTERM (on Windows, `process.kill`
 * terminates it), then waits for it to exit. Pids get reused, so the pid's
 * command line is read again right before the signal, and a pid that no
 * longer runs that role's agent is never signalled.
 */
export async function stopAgentProcess(pid: number, role: string, options: StopAgentOptions = {}): Promise<StopAgentResult> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const pollMs = Math.max(1, options.pollMs ?? 50);
  const platform = options.platform ?? process.platform;
  const confirm = options.confirm ?? ((target: number) => currentCommandLine(target, platform));
  const who = `${role} (pid ${pid})`;
  // 0 and negative pids name process groups, or every process: never signal those.
  if (!Number.isSafeInteger(pid) || pid <= 0) return { ok: false, failure: 'not_sent', error: `${pid} is not a process id` };

  const runsAgent = async (): Promise<boolean> => {
    const commandLine = await confirm(pid);
    return commandLine !== null && agentRoleOf(commandLine) === role;
  };
  try {
    if (!(await runsAgent())) return { ok: false, failure: 'not_sent', error: `pid ${pid} no longer runs ${role}; nothing was signalled` };
  } catch (error) {
    return { ok: false, failure: 'not_sent', error: `could not read the command line of pid ${pid}: ${errorText(error)}` };
  }

  try {
    process.kill(pid, 'SIGTERM');
  } catch (error) {
    if (hasCode(error, 'ESRCH')) return { ok: true };
    return { ok: false, failure: 'not_sent', error: `could not signal ${who}: ${errorText(error)}` };
  }

  const deadline = performance.now() + timeoutMs;
  while (pidAlive(pid)) {
    const left = deadline - performance.now();
    if (left <= 0) {
      // It may have exited and its pid gone to another process in the meantime.
      const stillThere = await runsAgent().catch(() => true);
      return stillThere ? { ok: false, failure: 'no_answer', error: `${who} has not exited within ${seconds(timeoutMs)}` } : { ok: true };
    }
    await delay(Math.min(pollMs, left));
  }
  return { ok: true };
}
