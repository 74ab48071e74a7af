import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelVariableOf } from '../../src/main/core/echoProcess';
import { pidAlive } from '../../src/main/sources/processes/pidAlive';

/** A real process started for a test; `stop()` ends it by its pid and removes its files. */
export interface StartedProcess {
  readonly pid: number;
  /** The ECHO root it runs under: a fresh temporary folder, with a space in its name as some users' have. */
  readonly root: string;
  readonly scriptPath: string;
  /** Whether it has exited (for whatever reason). */
  exited(): boolean;
  /** SIGKILL by pid, then waits for its exit; harmless when it has already exited. */
  stop(): Promise<void>;
}

export interface EchoAgentOptions {
  readonly role: string;
  /** Set as `<ROLE>_MODEL`, as the delegator does. */
  readonly model?: string;
  /** Installs a SIGTERM handler that does nothing, so only SIGKILL ends it. */
  readonly ignoreSigterm?: boolean;
  /** Spins, keeping about one core busy. */
  readonly busy?: boolean;
  /** Runs right before the spawn, once the files are in place (to choose the next pid, say). */
  readonly beforeSpawn?: () => void;
}

/**
 * The agent's program: 20 MB written to (so resident), then idle or spinning
 * until its stdin closes, which happens when the test process ends however it
 * ends, so it never outlives the run. It says `ready` once all is in place.
 */
const PROGRAM = `
const hold = Buffer.alloc(20 * 1024 * 1024, 1);
if (process.env.ECHO_TEST_IGNORE_SIGTERM === '1') process.on('SIGTERM', () => {});
if (process.env.ECHO_TEST_BUSY === '1') {
  const spin = () => { const until = Date.now() + 20; while (Date.now() < until) hold[0]++; setImmediate(spin); };
  spin();
}
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
process.stdout.write('ready\\n');
`;

interface ScriptShape {
  readonly folder: string;
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly beforeSpawn?: (() => void) | undefined;
}

async function startScript(shape: ScriptShape): Promise<StartedProcess> {
  const root = await mkdtemp(join(tmpdir(), 'echo root-'));
  const scriptPath = join(root, 'apps', shape.folder, shape.file);
  await mkdir(join(root, 'apps', shape.folder), { recursive: true });
  await writeFile(scriptPath, PROGRAM);
  await chmod(scriptPath, 0o755);
  shape.beforeSpawn?.();
  // Node runs it as the delegator's port runs the escript: the script's path, then its arguments.
  const child = spawn(process.execPath, [scriptPath, ...shape.args], {
    env: { ...process.env, ...shape.env },
    // stdout carries the one `ready` line, so a test never sleeps waiting for the program to start.
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  // A failed spawn rejects it with the 'error' event; the missing pid below reports that.
  const exit = once(child, 'exit').catch(() => undefined);
  const pid = child.pid;
  if (pid === undefined) {
    await rm(root, { recursive: true, force: true });
    throw new Error(`could not start ${scriptPath}`);
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // It has just exited by itself.
      }
      await exit;
    }
    child.stdin.destroy();
    child.stdout.destroy();
    await rm(root, { recursive: true, force: true });
  };
  try {
    await readyLine(child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid, root, scriptPath, exited: () => child.exitCode !== null || child.signalCode !== null, stop };
}

function readyLine(child: ChildProcess): Promise<void> {
  const stdout = child.stdout;
  if (!stdout) return Promise.reject(new Error('the child has no stdout'));
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      if (!text.includes('ready\n')) return;
      settle();
      resolve();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      settle();
      reject(new Error(`the agent stand-in exited before it was ready (${signal ?? `exit code ${String(code)}`})`));
    };
    const settle = (): void => {
      stdout.off('data', onData);
      child.off('exit', onExit);
      // Nothing else comes; keep it flowing so the pipe can never fill.
      stdout.resume();
    };
    stdout.on('data', onData);
    child.on('exit', onExit);
  });
}

/** A process that looks to the OS exactly as an ECHO agent started by the delegator does. */
export function startEchoAgentProcess(options: EchoAgentOptions): Promise<StartedProcess> {
  const env: Record<string, string> = { AGENT_AUTONOMOUS: 'true' };
  if (options.model !== undefined) env[modelVariableOf(options.role)] = options.model;
  if (options.ignoreSigterm) env.ECHO_TEST_IGNORE_SIGTERM = '1';
  if (options.busy) env.ECHO_TEST_BUSY = '1';
  return startScript({
    folder: options.role,
    file: options.role,
    args: ['--autonomous'],
    env,
    beforeSpawn: options.beforeSpawn,
  });
}

/** Command lines that resemble an agent's and are not one. */
export type Lookalike = 'other-role-file' | 'flag-suffix' | 'no-flag';

const LOOKALIKES: Readonly<Record<Lookalike, Omit<ScriptShape, 'env'>>> = {
  'other-role-file': { folder: 'ceo', file: 'cto', args: ['--autonomous'] },
  'flag-suffix': { folder: 'ceo', file: 'ceo', args: ['--autonomously'] },
  'no-flag': { folder: 'ceo', file: 'ceo', args: [] },
};

/** A process whose command line is close to a ceo agent's, in the given way. */
export function startLookalikeProcess(kind: Lookalike): Promise<StartedProcess> {
  return startScript({ ...LOOKALIKES[kind], env: { CEO_MODEL: 'qwen2.5:14b', AGENT_AUTONOMOUS: 'true' } });
}

/** Whether a pid exists now: the monitor's own check, a signal 0 (EPERM: it does, and belongs to someone else). */
export const pidExists = pidAlive;

/** Starts processes for one test file and stops every one of them, whatever happened. */
export function processKeeper(): {
  add: (started: Promise<StartedProcess>) => Promise<StartedProcess>;
  stopAll: () => Promise<void>;
} {
  const started: StartedProcess[] = [];
  return {
    add: async (starting) => {
      const one = await starting;
      started.push(one);
      return one;
    },
    stopAll: async () => {
      await Promise.all(started.splice(0).map((one) => one.stop()));
    },
  };
}
