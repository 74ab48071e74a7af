import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RUN_VARIABLE } from './testRun';

/**
 * The user's own folders the monitor writes, as this process's environment
 * names them before the run gives its processes folders of their own: the
 * command line's state (the series, the event log, the control key), the
 * demo's cache, the desktop app's data and settings, and the autostart entry.
 */
export function userFolders(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string[] {
  const or = (value: string | undefined, fallback: string): string =>
    value === undefined || value === '' ? fallback : value;
  if (process.platform === 'darwin') {
    return [
      'Application Support/delegator-monitor',
      'Application Support/Delegator Monitor',
      'Caches/delegator-monitor',
    ].map((folder) => join(home, 'Library', folder));
  }
  const state = or(env.XDG_STATE_HOME, join(home, '.local', 'state'));
  const cache = or(env.XDG_CACHE_HOME, join(home, '.cache'));
  const config = or(env.XDG_CONFIG_HOME, join(home, '.config'));
  return [
    join(state, 'delegator-monitor'),
    join(cache, 'delegator-monitor'),
    join(config, 'delegator-monitor'),
    join(config, 'Delegator Monitor'),
    join(config, 'autostart', 'delegator-monitor.desktop'),
  ];
}

/**
 * Each path under `path` with its kind, size and modification time; a folder's own time changes when an entry is added
 * or removed.
 */
function fingerprint(path: string, into: Map<string, string>, depth = 0): void {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  into.set(path, `${stat.isDirectory() ? 'folder' : 'file'} ${String(stat.size)} ${String(stat.mtimeMs)}`);
  if (!stat.isDirectory() || depth > 3) return;
  let entries: string[];
  try {
    entries = readdirSync(path);
  } catch {
    return;
  }
  for (const entry of entries) fingerprint(join(path, entry), into, depth + 1);
}

/** How a monitor runs: `serve` (from a checkout, built, or installed), the desktop app from a checkout, or packaged. */
const MONITOR_COMMAND =
  /(?:scripts\/cli\.mjs|out\/cli\/index\.js|delegator-monitor(?:\.js)?) serve\b|electron(?:\/dist\/electron)? \.(?: |$)|(?:^|\/)delegator-monitor(?: |$)|Delegator Monitor/;

/**
 * A monitor of the user's own (not one a test run started) running now: it
 * writes these folders too, so a change seen while it runs may be its own.
 */
function ownMonitorRunning(): number | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      if (!MONITOR_COMMAND.test(command)) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(`${RUN_VARIABLE}=`)) continue;
      return Number(entry);
    } catch {
      // Gone, or another user's.
    }
  }
  return null;
}

export interface FolderChanges {
  /** The paths that appeared, went or changed, and what to make of it. */
  readonly report: string;
  /** Whether a monitor of the user's own was running, which may have made the changes itself. */
  readonly ownMonitor: boolean;
}

export interface FolderWatch {
  /** What changed since the watch began; null when nothing did. */
  changes(): FolderChanges | null;
}

/**
 * Notes what the user's own folders hold now, to tell at the end of the run whether anything of the run wrote there.
 */
export function watchUserFolders(folders: readonly string[] = userFolders()): FolderWatch {
  const take = (): Map<string, string> => {
    const found = new Map<string, string>();
    for (const folder of folders) fingerprint(folder, found);
    return found;
  };
  const before = take();
  const monitorBefore = ownMonitorRunning();
  return {
    changes() {
      const after = take();
      const changed = [...new Set([...before.keys(), ...after.keys()])]
        .filter((path) => before.get(path) !== after.get(path))
        .sort();
      if (changed.length === 0) return null;
      const monitor = monitorBefore ?? ownMonitorRunning();
      const list = changed
        .map((path) => `  ${path}: ${before.has(path) ? (after.has(path) ? 'changed' : 'removed') : 'created'}`)
        .join('\n');
      const cause =
        monitor === null
          ? 'No monitor of your own was running, so a test did it: every process of a test run must get HOME and the XDG folders of the run (test/support/testRun.ts, runEnvironment()).'
          : `A monitor of your own (pid ${String(monitor)}) was running and may have written them itself.`;
      return { report: `The test run changed your own folders:\n${list}\n${cause}`, ownMonitor: monitor !== null };
    },
  };
}
