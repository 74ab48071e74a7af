import type { ChildProcess } from 'node:child_process';

/** Resolves when the child has exited, whatever ended it. */
export function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
}

/**
 * Waits for the exit, sending SIGKILL by pid if it takes longer than
 * `graceMs`; the timer also keeps the event loop up meanwhile.
 */
export async function awaitExit(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => {
      resolve('late');
    }, graceMs);
  });
  const outcome = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    signal(child.pid, 'SIGKILL');
    await exited;
  }
}

/** Sends a signal by pid; false when there is no such process (it has just ended). */
export function signal(pid: number | undefined, name: NodeJS.Signals): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The environment for a child of the simulator: this process's, plus `extra`,
 * without NODE_OPTIONS: the parent's loader hooks and inspector flags (tsx,
 * `--inspect`) are not the child's.
 */
export function childEnvironment(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  return env;
}
