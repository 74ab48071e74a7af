import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';
let setprivWorks: boolean | undefined;

/**
 * The command, started so the kernel sends it `signal` when the process that
 * started it dies (Linux's parent-death signal, through util-linux's setpriv,
 * which then becomes the command: same pid, same arguments after it). A test
 * process killed or crashed then takes its servers and commands with it, not
 * leaving them to init. Elsewhere, or without setpriv, the command as given.
 */
export function diesWithParent(
  file: string,
  args: readonly string[],
  signal: NodeJS.Signals,
): { file: string; args: string[] } {
  if (process.platform === 'linux')
    setprivWorks ??= existsSync(SETPRIV) && spawnSync(SETPRIV, ['--pdeathsig', 'SIGKILL', '--', 'true']).status === 0;
  return setprivWorks === true
    ? { file: SETPRIV, args: ['--pdeathsig', signal, '--', file, ...args] }
    : { file, args: [...args] };
}
