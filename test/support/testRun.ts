// The test run's own folder, and the processes the run leaves behind.
//
// A run makes a folder of its own under the system's temporary folder, gives
// every process of the run its home and XDG folders there, and marks each
// with DELEGATOR_MONITOR_TEST_RUN=<that folder> in its environment, which
// their children inherit. What is left of a run is then known by the mark
// (or, for PostgreSQL, whose processes write their titles over their
// environment, by a working directory in the run's folder) and by being a
// descendant of such a process: never by a name, so another user's or another
// run's processes are never touched.
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The variable that marks a process, and everything it starts, as the run's. */
export const RUN_VARIABLE = 'DELEGATOR_MONITOR_TEST_RUN';

const OWNER_FILE = 'owner.json';

/** Where this user's runs keep their folders: one per run, named after it. */
export function runsRoot(): string {
  return join(tmpdir(), `delegator-monitor-tests-${String(process.getuid?.() ?? 'user')}`);
}

/**
 * The fields of /proc/PID/stat after the command name, which may hold spaces
 * and parentheses: [0] is the state, [1] the parent's pid, [19] the start.
 */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/**
 * A process's start, in clock ticks since boot (field 22 of /proc/PID/stat),
 * which tells it from a later process given the same pid; null once it is
 * gone (or a zombie, which only its parent can remove).
 */
export function processStart(pid: number): string | null {
  const fields = statFields(pid);
  return fields === null || fields[0] === 'Z' || fields[0] === 'X' ? null : (fields[19] ?? null);
}

/** The pid namespace: pids recorded in another (a container sharing /tmp) mean nothing here. */
function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return '';
  }
}

export interface TestRunFolder {
  /** The run's folder. */
  readonly dir: string;
  /** The home folder its processes are given. */
  readonly home: string;
  /** What every process of the run is given: the home, the XDG folders, the mark. */
  readonly env: Record<string, string>;
}

/**
 * Makes this run's folder, with a home and XDG folders inside it, and records
 * this process as its owner, so a later run can tell whether it has ended.
 */
export function createRunFolder(): TestRunFolder {
  const root = runsRoot();
  // Searchable by others: PostgreSQL runs as `postgres` when the tests run as root, and its folder is inside.
  mkdirSync(root, { recursive: true, mode: 0o711 });
  const dir = mkdtempSync(join(root, `run-${String(process.pid)}-`));
  chmodSync(dir, 0o711);
  const home = join(dir, 'home');
  const folders = {
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
  };
  for (const folder of Object.values(folders)) mkdirSync(folder, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(dir, OWNER_FILE),
    JSON.stringify({ pid: process.pid, start: processStart(process.pid), namespace: pidNamespace() }),
  );
  return {
    dir,
    home,
    env: {
      HOME: home,
      ...folders,
      // A fresh home has no record of npm's last update check, so each npm would ask the registry.
      npm_config_update_notifier: 'false',
      [RUN_VARIABLE]: dir,
    },
  };
}

/** The variables createRunFolder sets, which a process started with an environment of its own is given too. */
const RUN_ENVIRONMENT = [
  'HOME',
  'XDG_STATE_HOME',
  'XDG_CONFIG_HOME',
  'XDG_CACHE_HOME',
  'XDG_DATA_HOME',
  'npm_config_update_notifier',
  RUN_VARIABLE,
];

/**
 * This process's home, XDG folders and mark, to start a process with an environment of its own that still writes
 * nothing outside the run.
 */
export function runEnvironment(): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of RUN_ENVIRONMENT) {
    const value = process.env[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
}

/** Every live process this user may see; zombies left out. */
function processes(): ProcessEntry[] {
  const found: ProcessEntry[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields === null || fields[0] === 'Z' || fields[0] === 'X') continue;
    found.push({ pid: Number(entry), ppid: Number(fields[1]) });
  }
  return found;
}

function childrenOf(all: readonly ProcessEntry[]): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of all) children.set(entry.ppid, [...(children.get(entry.ppid) ?? []), entry.pid]);
  return children;
}

/** Whether the process carries the run's mark, or works in the run's folder. */
function belongsToRun(pid: number, dir: string): boolean {
  try {
    const environ = readFileSync(`/proc/${String(pid)}/environ`, 'latin1');
    if (environ.split('\0').includes(`${RUN_VARIABLE}=${dir}`)) return true;
  } catch {
    // Another user's process, or gone.
  }
  try {
    const cwd = readlinkSync(`/proc/${String(pid)}/cwd`).replace(/ \(deleted\)$/, '');
    return cwd === dir || cwd.startsWith(`${dir}/`);
  } catch {
    return false;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .join(' ')
      .slice(0, 200);
  } catch {
    return '?';
  }
}

/** The processes this one started that run the same Node (Vitest's workers, when the global setup asks), by pid. */
export function nodeChildren(): Set<number> {
  const found = new Set<number>();
  for (const { pid, ppid } of processes()) {
    if (ppid !== process.pid) continue;
    try {
      if (readlinkSync(`/proc/${String(pid)}/exe`) === readlinkSync('/proc/self/exe')) found.add(pid);
    } catch {
      // Gone.
    }
  }
  return found;
}

/** This process and those above it, which no sweep may touch. */
function selfAndAncestors(): Set<number> {
  const table = new Map(processes().map((entry) => [entry.pid, entry.ppid]));
  const chain = new Set([process.pid]);
  for (let pid = table.get(process.pid); pid !== undefined && pid > 0 && !chain.has(pid); pid = table.get(pid))
    chain.add(pid);
  return chain;
}

export interface Leftover {
  readonly pid: number;
  readonly command: string;
}

export interface SweepOptions {
  /** Processes kept, though not their children. */
  readonly spare?: (pid: number) => boolean;
}

/**
 * The processes of the run still running: those marked or working in its
 * folder, and everything below them (a program may clear its environment).
 */
export function leftoversOf(dir: string, options: SweepOptions = {}): Leftover[] {
  const all = processes();
  const children = childrenOf(all);
  const untouchable = selfAndAncestors();
  const queue = all
    .filter((entry) => !untouchable.has(entry.pid) && belongsToRun(entry.pid, dir))
    .map((entry) => entry.pid);
  const found = new Set<number>();
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    if (found.has(pid) || untouchable.has(pid)) continue;
    found.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return [...found]
    .filter((pid) => !(options.spare?.(pid) ?? false))
    .map((pid) => ({ pid, command: commandLine(pid) }));
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone meanwhile, or not ours to signal.
  }
}

/** Freezes them all (so none starts another), kills them, and waits a little for them to go. */
function kill(found: readonly Leftover[]): void {
  const starts = new Map(found.map(({ pid }) => [pid, processStart(pid)]));
  for (const { pid } of found) signal(pid, 'SIGSTOP');
  for (const { pid } of found) signal(pid, 'SIGKILL');
  const deadline = Date.now() + 5000;
  while (
    Date.now() < deadline &&
    found.some(({ pid }) => starts.get(pid) !== null && processStart(pid) === starts.get(pid))
  )
    sleepSync(20);
}

/**
 * Ends what is left of the run, until a look finds nothing more.
 * Synchronous, so it also runs in an exit handler. Returns what was running.
 */
export function stopLeftovers(dir: string, options: SweepOptions = {}): Leftover[] {
  const stopped: Leftover[] = [];
  for (let round = 0; round < 10; round += 1) {
    const found = leftoversOf(dir, options);
    if (found.length === 0) break;
    kill(found);
    stopped.push(...found);
  }
  return stopped;
}

/**
 * Kills a process and everything below it: for a test whose command outlived it (it failed or timed out). Returns what
 * was still running.
 */
export function stopProcessTree(root: number): Leftover[] {
  const all = processes();
  if (!all.some((entry) => entry.pid === root)) return [];
  const children = childrenOf(all);
  const tree: number[] = [];
  for (let pid: number | undefined = root, queue: number[] = []; pid !== undefined; pid = queue.shift()) {
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  const found = tree.map((pid) => ({ pid, command: commandLine(pid) }));
  kill(found);
  return found;
}

export function removeRunFolder(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

export interface ReapedRun {
  readonly dir: string;
  readonly stopped: Leftover[];
}

function ownerOf(dir: string): { pid?: unknown; start?: unknown; namespace?: unknown } | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return null;
  }
}

/**
 * Ends what runs that ended without cleaning up (killed, or their machine
 * lost power) left running, and removes their folders: those whose owner is
 * gone. A live run, this user's or another's, is never touched.
 */
export function reapDeadRuns(): ReapedRun[] {
  const root = runsRoot();
  const reaped: ReapedRun[] = [];
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return reaped;
  }
  const namespace = pidNamespace();
  for (const name of entries) {
    const dir = join(root, name);
    const owner = ownerOf(dir);
    if (owner === null) {
      // Being made this moment, or broken: removed only once it is a day old.
      try {
        if (Date.now() - statSync(dir).mtimeMs > 86_400_000) removeRunFolder(dir);
      } catch {
        // Gone already.
      }
      continue;
    }
    if (owner.namespace !== namespace || typeof owner.pid !== 'number') continue;
    if (processStart(owner.pid) === owner.start) continue;
    reaped.push({ dir, stopped: stopLeftovers(dir) });
    removeRunFolder(dir);
  }
  return reaped;
}

/** One line per process, for a report. */
export function describeLeftovers(stopped: readonly Leftover[]): string {
  return stopped.map(({ pid, command }) => `  pid ${String(pid)}: ${command}`).join('\n');
}
