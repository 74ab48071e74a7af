import { childEnvironment } from '../childEnvironment';

/** A program to start, with its arguments and the whole of its environment. */
export interface LaunchedProgram {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/** A script as `-EncodedCommand` takes it: its UTF-16LE bytes in base64. */
export function encodeCommand(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

/**
 * Windows PowerShell running `script`: from the system folder when the
 * environment names it (a PATH entry could put another program first), with
 * no logo, no profile and no prompt, its script given encoded so that no
 * quoting of Windows' command line applies, and only the environment the
 * monitor's other programs get (none of the monitor's secrets).
 */
export function powerShellProgram(script: string, env: NodeJS.ProcessEnv = process.env): LaunchedProgram {
  const root = env.SystemRoot ?? env.windir;
  return {
    file: root === undefined ? 'powershell.exe' : `${root}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe`,
    args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-EncodedCommand', encodeCommand(script)],
    env: childEnvironment('win32', env),
  };
}
