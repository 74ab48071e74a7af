import { spawn } from 'node:child_process';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

const ROOT = new URL('../..', import.meta.url).pathname;

/** Runs `npm run cli -- ARGS` as a user would, with only the given environment on top of PATH. */
export function runCliProcess(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'cli', '--', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}

export interface LongRunningCli {
  /** Resolves with the first stdout match of `pattern`, waiting for more output as needed. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Sends the signal and resolves with the exit code and everything printed. */
  stop(signal: NodeJS.Signals): Promise<CliRun>;
  readonly stdout: () => string;
}

/** Starts `npm run cli -- ARGS` and leaves it running, as a user's terminal would. */
export function startCliProcess(args: readonly string[], env: Record<string, string>): LongRunningCli {
  const started = Date.now();
  // Run tsx directly, so the signal reaches the command itself rather than npm.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/index.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    stdout: () => stdout,
    waitFor(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const check = (): void => {
          const match = pattern.exec(stdout);
          if (match) resolve(match);
          else if (child.exitCode !== null) reject(new Error(`exited with ${child.exitCode}: ${stderr}`));
          else if (Date.now() > deadline) reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms; stdout: ${stdout}; stderr: ${stderr}`));
          else setTimeout(check, 50);
        };
        check();
      });
    },
    async stop(signal) {
      if (child.exitCode === null) child.kill(signal);
      const code = await exited;
      return { code, stdout, stderr, elapsedMs: Date.now() - started };
    },
  };
}
