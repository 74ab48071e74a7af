import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { childEnvironment } from '../childEnvironment';

/** Runs a program and resolves with its standard output; rejects when it fails, exits non-zero or times out. */
export type RunCommand = (
  file: string,
  args: readonly string[],
  options: { readonly timeoutMs: number },
) => Promise<string>;

const execFileAsync = promisify(execFile);

/**
 * `execFile` without a shell, killed after the timeout, with no console window
 * flashing up on Windows, and with only PATH and the C locale of the monitor's
 * environment: the rest holds its secrets.
 */
export const runCommand: RunCommand = async (file, args, { timeoutMs }) => {
  const { stdout } = await execFileAsync(file, [...args], {
    timeout: timeoutMs,
    windowsHide: true,
    encoding: 'utf8',
    env: childEnvironment(),
  });
  return stdout;
};
