import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/**
 * The folders of a PATH value, in order, empty entries left out (they mean the working folder, which is no install).
 */
export function pathFolders(pathValue: string | undefined, separator = delimiter): string[] {
  return (pathValue ?? '').split(separator).filter((folder) => folder.length > 0);
}

/** Whether an executable `escript` is in one of these folders. */
export async function escriptIn(folders: readonly string[]): Promise<boolean> {
  for (const folder of folders) {
    try {
      await access(join(folder, 'escript'), constants.X_OK);
      return true;
    } catch {
      // Not in this folder; try the next.
    }
  }
  return false;
}

let found: Promise<boolean> | null = null;

/**
 * Whether agents can be real Erlang VMs here: `escript` on PATH (Debian's
 * `erlang-base` gives it), looked up once per process. Not on Windows, where
 * `escript.exe` starts `erl.exe` as a child rather than becoming it, so the
 * pid the simulator holds would not be the VM's; there agents are Node stand-ins.
 */
export function erlangAvailable(): Promise<boolean> {
  found ??= process.platform === 'win32' ? Promise.resolve(false) : escriptIn(pathFolders(process.env.PATH));
  return found;
}
