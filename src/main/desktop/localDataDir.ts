import { homedir } from 'node:os';
import path from 'node:path';

/** The folder's name, as the installed app is called (electron-builder's productName). */
const PRODUCT = 'Delegator Monitor';

/**
 * Where the desktop app keeps its resource series and logs: files about this
 * machine, rewritten every few seconds. Electron's `userData` on Windows is in
 * the roaming profile (`%APPDATA%`), which a domain logon copies to a server
 * and to every other machine the user signs in to; these files belong in
 * `%LOCALAPPDATA%\Delegator Monitor`, which stays here. macOS and Linux have no
 * roaming profile, so `userData` itself is right there.
 *
 * `LOCALAPPDATA` unset or empty falls back to `~\AppData\Local`, as env-paths
 * does. Takes `userData` as a string so it needs no Electron.
 */
export function localDataDir(
  userDataDir: string,
  platform: NodeJS.Platform = process.platform,
  env: Readonly<Record<string, string | undefined>> = process.env,
  home?: string,
): string {
  if (platform !== 'win32') return userDataDir;
  return path.win32.join(env.LOCALAPPDATA || path.win32.join(home ?? homedir(), 'AppData', 'Local'), PRODUCT);
}
