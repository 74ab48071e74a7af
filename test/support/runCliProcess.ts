import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { diesWithParent } from './parentDeath';
import { runEnvironment } from './testRun';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

const ROOT = new URL('../..', import.meta.url).pathname;

interface Spawned {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly output: { stdout: string; stderr: string };
  readonly exited: Promise<CliRun>;
}

/**
 * Starts a command with only the given environment on top of PATH and the
 * test run's home and XDG folders, collecting what it prints. It ends if the
 * test's process dies (SIGTERM, on which every command ends cleanly).
 */
function spawnCli(command: string, args: readonly string[], env: Record<string, string>): Spawned {
  const started = Date.now();
  const guarded = diesWithParent(command, args, 'SIGTERM');
  const child = spawn(guarded.file, guarded.args, {
    cwd: ROOT,
    // Test files run side by side, some with ECHO-like agent processes: a command looks for them only when its test
    // says so.
    env: { PATH: process.env.PATH ?? '', ...runEnvironment(), MONITOR_AGENT_PROCESSES: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, ...output, elapsedMs: Date.now() - started });
    });
  });
  return { child, output, exited };
}

/** Runs `npm run cli -- ARGS` as a user would, to its end. */
export function runCliProcess(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  return spawnCli('npm', ['run', '--silent', 'cli', '--', ...args], env).exited;
}

export interface LongRunningCli {
  /** Resolves with the first stdout match of `pattern`, waiting for more output as needed. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Sends the signal and resolves with the exit code and everything printed. */
  stop(signal: NodeJS.Signals): Promise<CliRun>;
  pid(): number;
}

/**
 * Starts the command line and leaves it running, as a user's terminal would:
 * the compiled one, as `npm run cli` runs it (built first where it is stale),
 * but without npm, so the signal reaches the command itself.
 */
export function startCliProcess(args: readonly string[], env: Record<string, string>): LongRunningCli {
  const { child, output, exited } = spawnCli(process.execPath, ['scripts/cli.mjs', ...args], env);
  return {
    waitFor(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const check = (): void => {
          const match = pattern.exec(output.stdout);
          if (match) resolve(match);
          else if (child.exitCode !== null) reject(new Error(`exited with ${child.exitCode}: ${output.stderr}`));
          else if (Date.now() > deadline)
            reject(
              new Error(
                `no ${String(pattern)} within ${timeoutMs} ms; stdout: ${output.stdout}; stderr: ${output.stderr}`,
              ),
            );
          else setTimeout(check, 50);
        };
        check();
      });
    },
    pid: () => child.pid ?? 0,
    async stop(signal) {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
