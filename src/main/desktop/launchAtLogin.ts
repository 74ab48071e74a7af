import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Given at login, so the app starts in the tray without popping its window up. */
export const START_HIDDEN_ARGUMENT = '--hidden';

/** Where the XDG autostart entry goes: `$XDG_CONFIG_HOME/autostart`, else `~/.config/autostart`. */
export function autostartPath(env: Readonly<Record<string, string | undefined>>, home = homedir()): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'autostart', 'delegator-monitor.desktop');
}

/** The desktop entry a Linux session starts at login (freedesktop.org's Desktop Application Autostart). */
export function autostartEntry(execPath: string, args: readonly string[]): string {
  // The Exec key's quoting rules: each argument in double quotes, with `"`, `` ` ``, `$` and `\` escaped.
  const quote = (value: string): string => `"${value.replace(/["`$\\]/g, (character) => `\\${character}`)}"`;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Delegator Monitor',
    'Comment=What the ECHO delegator is running, and what it costs',
    `Exec=${[execPath, ...args, START_HIDDEN_ARGUMENT].map(quote).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * Launch at login on Linux, where Electron's `setLoginItemSettings` does
 * nothing (it is macOS and Windows only): the entry is written, or removed.
 */
export async function setLinuxAutostart(
  enabled: boolean,
  execPath: string,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const path = autostartPath(env);
  if (!enabled) {
    await rm(path, { force: true });
    return;
  }
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, autostartEntry(execPath, args));
}
