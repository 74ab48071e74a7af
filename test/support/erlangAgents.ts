import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { skipFor } from './needs';

/**
 * Real Erlang VMs laid out and started as ECHO's users start its agents, so the
 * process scanner and Stop meet what they meet on a user's machine: `beam.smp`,
 * its long argv, its working directory, the wrappers around it, orphans, other
 * users' agents. Linux only: everything is read from /proc.
 */

export type ErlangAgentForm =
  'autonomous-relative' | 'autonomous-absolute' | 'mcp' | 'claude-desktop' | 'mix' | 'delegator';
export type ErlangAgentWrapper = 'none' | 'timeout' | 'restart-loop' | 'nohup-pipe';

export interface ErlangAgentOptions {
  /** An ECHO root, as `makeEchoRoot` makes one. */
  readonly root: string;
  /** The agent's role; the 'delegator' form always runs the delegator. */
  readonly role: string;
  readonly form: ErlangAgentForm;
  /** 'mcp' always runs under 'nohup-pipe', as ECHO's script does. */
  readonly wrapper?: ErlangAgentWrapper;
  /** Added to (and overriding) the environment the form sets. */
  readonly env?: Readonly<Record<string, string>>;
  /** Runs every process of the agent as this user (the test runs as root). */
  readonly user?: { readonly uid: number; readonly gid: number };
  /** Starts it from an `sh` that backgrounds it and exits, so the VM (or its wrapper) is re-parented. */
  readonly orphan?: boolean;
  /** The VM ignores SIGTERM (`os:set_signal(sigterm, ignore)`), so only SIGKILL ends it. */
  readonly ignoreSigterm?: boolean;
}

export interface ErlangAgent {
  /** The Erlang VM: the agent as the OS shows it. */
  readonly vmPid: number;
  /**
   * The VM's parent when it is a process the harness started (timeout, the restart loop, the pipeline's sh); null when
   * there is none.
   */
  readonly wrapperPid: number | null;
  /** The VM's parent once started (after the intermediate sh of an orphan has exited). */
  readonly parentPid: number;
  /** The process the harness spawned itself (the VM, its wrapper, or an orphan's intermediate sh). */
  readonly launcherPid: number;
  /** `tail -f /dev/null`, whose pipe is the VM's stdin under 'nohup-pipe'; null otherwise. */
  readonly feederPid: number | null;
  readonly root: string;
  /** The escript's absolute path. */
  readonly scriptPath: string;
  readonly role: string;
  readonly form: ErlangAgentForm;
  readonly wrapper: ErlangAgentWrapper;
  /** The VM's working directory. */
  readonly cwd: string;
  /** Whether the VM first found has exited (a zombie counts as exited). */
  exited(): boolean;
  /** Ends the VM's stdin: closes the pipe the harness holds, or kills the `tail` that feeds it. */
  endStdin(): Promise<void>;
  /**
   * SIGKILLs the wrapper, the VM and everything under them by pid, waits until they are gone; harmless when they
   * already are.
   */
  stop(): Promise<void>;
}

export interface EchoRoot {
  readonly path: string;
  remove(): Promise<void>;
}

/** The variable the stand-in reads to ignore SIGTERM. */
export const IGNORE_SIGTERM_VARIABLE = 'ECHO_TEST_IGNORE_SIGTERM';

/**
 * What ECHO's claude_desktop_config.template.json sets for each agent (unlike the runtime defaults 5433/echo_org/6383).
 */
export const CLAUDE_DESKTOP_ENV: Readonly<Record<string, string>> = {
  DB_HOST: 'localhost',
  DB_PORT: '5432',
  DB_NAME: 'echo_org_dev',
  DB_USER: 'postgres',
  DB_PASSWORD: 'postgres',
  REDIS_HOST: 'localhost',
  REDIS_PORT: '6379',
};

/**
 * `mix run --no-halt` needs Elixir, which is not installed; the VM this starts has the same shape: beam.smp's own path
 * first, then `-extra <mix> run --no-halt`.
 */
export const MIX_EXTRA = ['/usr/bin/mix', 'run', '--no-halt'] as const;

const LIFELINE_VARIABLE = 'ECHO_TEST_LIFELINE';
const LIFELINE_PARENT_VARIABLE = 'ECHO_TEST_LIFELINE_PARENT';
/** The VM's fd for the lifeline: a socket whose other end only the test process holds. */
const LIFELINE_FD = 3;
/** Where an orphan's launcher finds the pipe it hands to the agent as stdin. */
const ORPHAN_STDIN_FD = 4;
const FIND_DEADLINE_MS = 10_000;
const GONE_DEADLINE_MS = 10_000;
const POLL_MS = 25;

/**
 * What every stand-in VM does first, as Erlang expressions (shared by the
 * escript and the `mix` form's `-eval`):
 * - holds 16 MB, so its resident memory is an agent's rather than an idle VM's;
 * - ignores SIGTERM when asked (by default the VM treats it as init:stop);
 * - says its OS pid on the lifeline once that is in place, so no test
 *   signals it before its handlers are set;
 * - watches the lifeline, and halts when the test process is gone however it
 *   ended (a restart loop, told by a variable, is killed first, or it would
 *   start a new VM every second).
 * It prints nothing: its stdout may be a pipe nobody reads.
 */
const PRELUDE = `
    put(echo_test_hold, binary:copy(<<"echo">>, 4 * 1024 * 1024)),
    case os:getenv("${IGNORE_SIGTERM_VARIABLE}") of
        "1" -> os:set_signal(sigterm, ignore);
        _ -> ok
    end,
    case os:getenv("${LIFELINE_VARIABLE}") of
        "1" ->
            spawn(fun() ->
                Lifeline = open_port({fd, ${LIFELINE_FD}, ${LIFELINE_FD}}, [eof, binary]),
                port_command(Lifeline, [os:getpid(), $\\n]),
                WaitForEof = fun Wait() -> receive {Lifeline, eof} -> ok; {Lifeline, _} -> Wait() end end,
                WaitForEof(),
                case os:getenv("${LIFELINE_PARENT_VARIABLE}") of
                    "1" ->
                        {ok, Stat} = file:read_file("/proc/self/stat"),
                        [_, AfterName] = string:split(binary_to_list(Stat), ") ", trailing),
                        [_, ParentPid | _] = string:lexemes(AfterName, " "),
                        os:cmd("kill -KILL " ++ ParentPid);
                    _ -> ok
                end,
                erlang:halt(0)
            end);
        _ -> ok
    end`;

/**
 * The module Mix names an escript's entry after: `<app>_escript`, where the app
 * is the escript's `:app` option, else the project's. ECHO's delegator sets
 * `app: nil` (apps/delegator/mix.exs), so its escript's module is `nil_escript`.
 */
export function escriptModuleOf(role: string): string {
  return `${role === 'delegator' ? 'nil' : role}_escript`;
}

/**
 * The agent's escript, with the header Mix's escript.build writes
 * (`#! /usr/bin/env escript`, a comment line, `%%! -escript main <app>_escript `)
 * and, in place of the zip of ECHO's code, a module that behaves as ECHO's
 * CLI.main does: with `--autonomous` first it ignores stdin and sleeps
 * forever; without it it is an MCP server reading stdin line by line through
 * the VM's standard_io (EchoShared.MCP.Server: `IO.stream(:stdio, :line)`),
 * and returns, ending the VM, when stdin ends.
 */
function escriptFor(role: string): string {
  const module = escriptModuleOf(role);
  // The trailing spaces are Mix's: an empty comment, and empty user emulator flags after the module.
  // No -noinput, unlike a hand-written escript's usual header: Mix adds none, and ECHO's MCP servers read stdin.
  return `#! /usr/bin/env escript
%% 
%%! -escript main ${module} 
%% A stand-in for an ECHO agent's escript: the same VM and argv, none of its work.
-module(${module}).
-export([main/1]).

main(Args) ->${PRELUDE},
    case Args of
        ["--autonomous" | _] -> timer:sleep(infinity);
        _ ->
            ReadUntilEof = fun Read() ->
                case io:get_line(standard_io, "") of
                    eof -> ok;
                    {error, _} -> ok;
                    _ -> Read()
                end
            end,
            ReadUntilEof()
    end.
`;
}

/** The 'mix' form's `-eval`: the prelude, then what `mix run --no-halt` does once the app is up: nothing, forever. */
const MIX_EVAL = `${PRELUDE.trim().replace(/\s*\n\s*/g, ' ')}, timer:sleep(infinity)`;

const onPath = (name: string): string | null => {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (folder === '') continue;
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return null;
};

function findSkipReason(): string | null {
  if (process.platform !== 'linux') return `the Erlang agents harness reads /proc, and this is ${process.platform}`;
  const missing = ['escript', 'erl', 'timeout', 'bash', 'sh', 'tail', 'nohup'].filter((name) => onPath(name) === null);
  if (missing.length > 0)
    return `${missing.join(', ')} not found on PATH (Debian's erlang-base and coreutils provide them)`;
  return null;
}

const reason = findSkipReason();

/** Why the Erlang agents' tests cannot run here; empty when they can. */
export const skipReason: string = reason ?? '';

/**
 * Whether real Erlang VMs can be started here (Linux, with escript and erl on PATH); where not, the file's skips are
 * recorded for the run's summary.
 */
export function erlangAvailable(): boolean {
  return skipFor('erlang', reason) === null;
}

/** A fresh ECHO root: a temporary folder with a space in its name, as some users' are, readable by every user. */
export async function makeEchoRoot(name = 'echo root'): Promise<EchoRoot> {
  const path = await mkdtemp(join(tmpdir(), `${name}-`));
  // mkdtemp makes it 0700; another user's agent must reach its escript.
  await chmod(path, 0o755);
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** What /proc says of a process; null when it is gone. */
interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  readonly state: string;
  readonly ppid: number;
  /** Clock ticks after boot: with the pid, it names one process, whatever reuses the number later. */
  readonly startTime: string;
}

function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The name sits in parentheses and may itself hold spaces and parentheses.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const fields = text.slice(close + 2).split(' ');
  const state = fields[0];
  const ppid = Number(fields[1]);
  const startTime = fields[19];
  if (state === undefined || startTime === undefined || !Number.isInteger(ppid)) return null;
  return { pid, comm: text.slice(open + 1, close), state, ppid, startTime };
}

function allStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** A process's argv, as /proc/<pid>/cmdline holds it; empty when it is gone or a zombie. */
export function argvOf(pid: number): string[] {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').slice(0, raw.endsWith('\0') ? -1 : undefined);
  } catch {
    return [];
  }
}

/** A process's working directory; null when it is gone. */
export function cwdOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

/** A process's environment, from /proc/<pid>/environ. */
export function environOf(pid: number): Record<string, string> {
  const env: Record<string, string> = {};
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return env;
  }
  for (const entry of raw.split('\0')) {
    const equals = entry.indexOf('=');
    if (equals > 0) env[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return env;
}

/** A field of /proc/<pid>/status (`Uid`, `VmRSS`, `PPid`…), as written there; null when absent. */
export function statusField(pid: number, field: string): string | null {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((candidate) => candidate.startsWith(`${field}:`));
    return line === undefined ? null : line.slice(field.length + 1).trim();
  } catch {
    return null;
  }
}

/** A process's comm (`beam.smp` for an Erlang VM); null when it is gone. */
export function commOf(pid: number): string | null {
  return readStat(pid)?.comm ?? null;
}

/** The parent's pid now; null when the process is gone. */
export function parentOf(pid: number): number | null {
  return readStat(pid)?.ppid ?? null;
}

/** Whether that very process (not a later one given its number) still runs; a zombie does not. */
function runs(pid: number, startTime: string): boolean {
  const stat = readStat(pid);
  return stat !== null && stat.startTime === startTime && stat.state !== 'Z' && stat.state !== 'X';
}

/** Whether that very process still has an entry in /proc, zombie or not. */
function present(pid: number, startTime: string): boolean {
  return readStat(pid)?.startTime === startTime;
}

/** The Erlang VMs whose working directory or command line mention this root. */
export function vmPidsUnder(root: string): number[] {
  const inside = (path: string): boolean => path === root || path.startsWith(`${root}/`);
  return allStats()
    .filter((stat) => stat.comm === 'beam.smp' && stat.state !== 'Z')
    .filter((stat) => {
      const cwd = cwdOf(stat.pid);
      return (
        (cwd !== null && inside(cwd)) ||
        argvOf(stat.pid).some((argument) => argument === root || argument.includes(`${root}/`))
      );
    })
    .map((stat) => stat.pid)
    .sort((a, b) => a - b);
}

/** Every process below these pids, as the parent links in /proc show them now. */
function descendantsOf(pids: readonly number[]): ProcStat[] {
  const stats = allStats();
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const found: ProcStat[] = [];
  const queue = [...pids];
  const seen = new Set(pids);
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** The pid whose parent chain (itself included) reaches one of these, among the VMs running now. */
function findVm(ancestors: ReadonlySet<number>): ProcStat | null {
  const stats = allStats();
  const byPid = new Map(stats.map((stat) => [stat.pid, stat]));
  for (const stat of stats) {
    if (stat.comm !== 'beam.smp' || stat.state === 'Z') continue;
    for (
      let step: ProcStat | undefined = stat, hops = 0;
      step !== undefined && hops < 64;
      step = byPid.get(step.ppid), hops += 1
    ) {
      if (ancestors.has(step.pid)) return stat;
      if (step.pid <= 1) break;
    }
  }
  return null;
}

/** The process whose stdout is the pipe the VM reads as stdin (the `tail` of `tail -f /dev/null | nohup …`). */
function findFeeder(vmPid: number): ProcStat | null {
  let stdin: string;
  try {
    stdin = readlinkSync(`/proc/${vmPid}/fd/0`);
  } catch {
    return null;
  }
  if (!stdin.startsWith('pipe:')) return null;
  for (const stat of allStats()) {
    if (stat.pid === vmPid || stat.state === 'Z') continue;
    try {
      if (readlinkSync(`/proc/${stat.pid}/fd/1`) === stdin) return stat;
    } catch {
      // Gone, or no stdout.
    }
  }
  return null;
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

function signal(stat: ProcStat, name: NodeJS.Signals): void {
  // Checked just before: a number the process has left may already be someone else's.
  if (!present(stat.pid, stat.startTime)) return;
  try {
    process.kill(stat.pid, name);
  } catch {
    // It has just exited.
  }
}

/** Quotes one word for sh and bash. */
const shellWord = (word: string): string => (/^[\w./=:-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

interface Layout {
  readonly role: string;
  readonly scriptPath: string;
  /** argv[0] as typed, and the rest. */
  readonly command: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Whether the harness holds the VM's stdin as a pipe it can close. */
  readonly stdinPipe: boolean;
  readonly wrapper: ErlangAgentWrapper;
}

function layoutOf(options: ErlangAgentOptions): Layout {
  const { root, form } = options;
  const role = form === 'delegator' ? 'delegator' : options.role;
  // It names folders, files and an Erlang module.
  if (!/^[a-z][a-z0-9_]*$/.test(role)) throw new Error(`not a role ECHO could have: ${JSON.stringify(role)}`);
  const appScript = join(root, 'apps', role, role);
  const wrapper = options.wrapper ?? (form === 'mcp' ? 'nohup-pipe' : 'none');
  if (form === 'mcp' && wrapper !== 'nohup-pipe')
    throw new Error(`the 'mcp' form runs under 'nohup-pipe', not '${wrapper}'`);
  switch (form) {
    case 'autonomous-relative':
      return {
        role,
        scriptPath: appScript,
        command: [`./${role}`, '--autonomous'],
        cwd: join(root, 'apps', role),
        env: {},
        stdinPipe: true,
        wrapper,
      };
    case 'autonomous-absolute':
      return {
        role,
        scriptPath: appScript,
        command: [appScript, '--autonomous'],
        cwd: '/',
        env: {},
        stdinPipe: true,
        wrapper,
      };
    case 'mcp':
      // scripts/setup/run_autonomous_agents.sh, run from the root (it also sends the output to logs/autonomous/, which
      // no scanner sees).
      return { role, scriptPath: appScript, command: [appScript], cwd: root, env: {}, stdinPipe: false, wrapper };
    case 'claude-desktop': {
      const desktopScript = join(root, 'agents', role, role);
      return {
        role,
        scriptPath: desktopScript,
        command: [desktopScript],
        cwd: '/',
        env: CLAUDE_DESKTOP_ENV,
        stdinPipe: true,
        wrapper,
      };
    }
    case 'mix':
      return {
        role,
        scriptPath: appScript,
        command: ['erl', '-noshell', '-eval', MIX_EVAL, '-extra', ...MIX_EXTRA],
        cwd: join(root, 'apps', role),
        env: {},
        stdinPipe: true,
        wrapper,
      };
    case 'delegator':
      // Under Claude Desktop, as the delegator runs: MCP mode, stdin the transport, cwd `/`.
      return {
        role,
        scriptPath: appScript,
        command: [appScript],
        cwd: '/',
        env: CLAUDE_DESKTOP_ENV,
        stdinPipe: true,
        wrapper,
      };
  }
}

/** The program and arguments to spawn for a layout under its wrapper and, for an orphan, the intermediate sh. */
function invocationOf(layout: Layout, orphan: boolean): { file: string; args: string[] } {
  const words = layout.command.map(shellWord).join(' ');
  let direct: { file: string; args: string[] };
  let line: string;
  switch (layout.wrapper) {
    case 'none':
      direct = { file: layout.command[0] ?? '', args: layout.command.slice(1) };
      line = words;
      break;
    case 'timeout':
      direct = { file: 'timeout', args: ['3600', ...layout.command] };
      line = `timeout 3600 ${words}`;
      break;
    case 'restart-loop': {
      const loop = `while true; do ${words}; sleep 1; done`;
      direct = { file: 'bash', args: ['-c', loop] };
      line = `bash -c ${shellWord(loop)}`;
      break;
    }
    case 'nohup-pipe': {
      const pipeline = `tail -f /dev/null | nohup ${words}`;
      direct = { file: 'sh', args: ['-c', pipeline] };
      // The VM's stdin is tail's pipe; sh forks both from itself, and $! is the VM.
      line = pipeline;
      break;
    }
  }
  if (!orphan) return direct;
  if (layout.wrapper === 'nohup-pipe') return { file: 'sh', args: ['-c', `${line} & echo $!`] };
  // sh gives a background job /dev/null for stdin unless told otherwise; the harness's pipe comes on fd
  // ${ORPHAN_STDIN_FD}, since Node closes a child's stdin once that child (here the sh) exits.
  return { file: 'sh', args: ['-c', `${line} <&${ORPHAN_STDIN_FD} ${ORPHAN_STDIN_FD}<&- & echo $!`] };
}

/** Another user's HOME, from /etc/passwd, as their login would set it (the VM's argv shows it as `-home`). */
function homeOf(uid: number): { HOME?: string } {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const fields = line.split(':');
      if (fields[2] === String(uid) && fields[5]) return { HOME: fields[5] };
    }
  } catch {
    // No passwd file: keep this process's.
  }
  return {};
}

async function writeIfChanged(path: string, text: string): Promise<void> {
  const current = await readFile(path, 'utf8').catch(() => null);
  if (current === text) return;
  // Written aside and renamed, so a VM starting from it never reads half a script.
  const aside = `${path}.${process.pid}.tmp`;
  await writeFile(aside, text, { mode: 0o755 });
  await chmod(aside, 0o755);
  await rename(aside, path);
}

async function placeScript(root: string, scriptPath: string, role: string): Promise<void> {
  const folder = scriptPath.slice(0, scriptPath.lastIndexOf('/'));
  await mkdir(folder, { recursive: true });
  // Every folder from the root down, readable by another user's agent whatever the umask.
  for (let path = folder; path.startsWith(root) && path !== root; path = path.slice(0, path.lastIndexOf('/')))
    await chmod(path, 0o755);
  await writeIfChanged(scriptPath, escriptFor(role));
}

function firstLine(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\n');
      if (end < 0) return;
      settle();
      resolve(text.slice(0, end));
    };
    const onEnd = (): void => {
      settle();
      reject(new Error(`the launcher ended without printing the background pid (${JSON.stringify(text)})`));
    };
    const settle = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.resume();
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
  });
}

/** Collects what a stream says, up to a few kilobytes, for the error when a start fails. */
function collect(stream: Readable | null): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => {
    if (text.length < 8192) text += chunk.toString('utf8');
  });
  return () => text.trim();
}

/**
 * Starts a real Erlang VM as an ECHO agent in the given form, under the given
 * wrapper; resolves once the VM has set itself up. Everything it starts is
 * ended by `stop()`, and, should the test process die first, by the VM itself
 * (it halts when its lifeline to this process breaks).
 */
export async function startErlangAgent(options: ErlangAgentOptions): Promise<ErlangAgent> {
  const layout = layoutOf(options);
  const orphan = options.orphan === true;
  await placeScript(options.root, layout.scriptPath, layout.role);
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...(options.user ? homeOf(options.user.uid) : {}),
    ...layout.env,
    ...options.env,
    [LIFELINE_VARIABLE]: '1',
  };
  if (options.ignoreSigterm) env[IGNORE_SIGTERM_VARIABLE] = '1';
  if (layout.wrapper === 'restart-loop') env[LIFELINE_PARENT_VARIABLE] = '1';
  const { file, args } = invocationOf(layout, orphan);
  const child: ChildProcess = spawn(file, args, {
    cwd: layout.cwd,
    env,
    // stdin: the pipe the harness holds (fd 4 for an orphan's launcher); stdout: the orphan's launcher prints one line
    // on it, an MCP agent's reader drains it; fd 3: the lifeline, a socket whose other end only this process holds.
    stdio: [
      orphan ? 'ignore' : 'pipe',
      orphan || options.form === 'claude-desktop' || options.form === 'delegator' ? 'pipe' : 'ignore',
      'pipe',
      'pipe',
      ...(orphan ? (['pipe'] as const) : []),
    ],
    ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
  });
  const exit = once(child, 'exit').catch(() => undefined);
  // A failed spawn emits 'error'; the missing pid below reports it.
  child.on('error', () => undefined);
  const stderr = collect(child.stderr);
  const stdin = (orphan ? child.stdio[ORPHAN_STDIN_FD] : child.stdin) as Writable | null | undefined;
  stdin?.on('error', () => undefined);
  const lifeline = child.stdio[LIFELINE_FD] as Readable | null | undefined;
  // Each VM says its pid on it once it has set itself up (a restart loop's VMs each in turn).
  const readyPids = new Set<number>();
  let heard = '';
  lifeline?.on('data', (chunk: Buffer) => {
    heard += chunk.toString('utf8');
    const lines = heard.split('\n');
    heard = lines.pop() ?? '';
    for (const line of lines) readyPids.add(Number(line));
  });
  if (!orphan) child.stdout?.resume();
  lifeline?.on('error', () => undefined);
  const launcherPid = child.pid;
  /** The launcher and, for an orphan, the process it put in the background. */
  const tracked: ProcStat[] = [];
  let vmStat: ProcStat | null = null;
  let feeder: ProcStat | null = null;
  let stopped: Promise<void> | null = null;

  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      const live = (stats: readonly (ProcStat | null)[]): ProcStat[] => {
        const byPid = new Map<number, ProcStat>();
        for (const stat of stats) if (stat && present(stat.pid, stat.startTime)) byPid.set(stat.pid, stat);
        return [...byPid.values()];
      };
      const inner = live([vmStat, feeder]);
      const wrappers = live(tracked).filter((stat) => !inner.some((one) => one.pid === stat.pid));
      // A restart loop is frozen first, so it cannot start a VM between the listing and the kills.
      const frozen =
        layout.wrapper === 'restart-loop' ? wrappers.filter((stat) => readStat(stat.pid)?.comm === 'bash') : [];
      for (const loop of frozen) signal(loop, 'SIGSTOP');
      const ownPids = new Set([...inner, ...wrappers].map((stat) => stat.pid));
      // The VM's erl_child_setup, a restart loop's newer VM and its sleep: deepest first.
      const helpers = descendantsOf([...ownPids])
        .filter((stat) => !ownPids.has(stat.pid))
        .reverse();
      for (const stat of [...helpers, ...inner]) signal(stat, 'SIGKILL');
      // A running wrapper reaps its VM at once (and timeout, or the pipeline's sh, then exits): give it that moment.
      if (frozen.length === 0) await settle(inner, 'reaped', 1_000);
      for (const stat of wrappers) signal(stat, 'SIGKILL');
      // A killed process re-parented to init stays a zombie until init reaps it, a second or so later: dead is enough
      // for helpers, but a VM (the agent, or the one a restart loop started since) must be gone.
      const vms = helpers.filter((stat) => stat.comm === 'beam.smp');
      await Promise.all([waitGone([...inner, ...wrappers, ...vms], 'reaped'), waitGone(helpers, 'dead')]);
      if (launcherPid !== undefined) await exit;
      stdin?.destroy();
      child.stdout?.destroy();
      child.stderr?.destroy();
      lifeline?.destroy();
    })();
    return stopped;
  };

  if (launcherPid === undefined) {
    throw new Error(`could not start ${file} for ${layout.scriptPath}`);
  }
  const launcher = readStat(launcherPid);
  if (launcher) tracked.push(launcher);

  try {
    const ancestors = new Set([launcherPid]);
    if (orphan) {
      const stdout = child.stdout;
      if (!stdout) throw new Error('the launcher has no stdout');
      const backgroundPid = Number(await firstLine(stdout));
      if (!Number.isInteger(backgroundPid) || backgroundPid <= 1)
        throw new Error(`the launcher printed no pid: ${String(backgroundPid)}`);
      const background = readStat(backgroundPid);
      if (background) tracked.push(background);
      ancestors.add(backgroundPid);
      // The intermediate sh exits right after; only then is the agent re-parented.
      await exit;
    }
    const vm = await poll(() => findVm(ancestors), FIND_DEADLINE_MS);
    if (!vm) throw new Error(`no beam.smp appeared under pid ${launcherPid} within ${FIND_DEADLINE_MS / 1000} s`);
    vmStat = vm;
    const ready = await poll(() => (readyPids.has(vm.pid) ? true : null), FIND_DEADLINE_MS);
    if (!ready) throw new Error(`the VM (pid ${vm.pid}) did not get ready within ${FIND_DEADLINE_MS / 1000} s`);
    if (layout.wrapper === 'nohup-pipe') {
      feeder = findFeeder(vm.pid);
      if (!feeder) throw new Error(`no tail feeds the VM's stdin (pid ${vm.pid})`);
    }
    const parentPid = parentOf(vm.pid);
    if (parentPid === null) throw new Error(`the VM (pid ${vm.pid}) exited right after it started`);
    const wrapperPid = parentPid !== vm.pid && ancestors.has(parentPid) ? parentPid : null;
    const cwd = cwdOf(vm.pid) ?? layout.cwd;
    const feederStat = feeder;
    return {
      vmPid: vm.pid,
      wrapperPid,
      parentPid,
      launcherPid,
      feederPid: feederStat?.pid ?? null,
      root: options.root,
      scriptPath: layout.scriptPath,
      role: layout.role,
      form: options.form,
      wrapper: layout.wrapper,
      cwd,
      exited: () => !runs(vm.pid, vm.startTime),
      endStdin: async () => {
        if (feederStat) {
          signal(feederStat, 'SIGKILL');
          await waitGone([feederStat], 'dead');
        } else if (layout.stdinPipe && stdin) {
          await new Promise<void>((resolve) => {
            stdin.end(resolve);
          });
        } else {
          throw new Error(`the harness holds no stdin of the '${options.form}' form`);
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    const said = stderr();
    throw new Error(`${error instanceof Error ? error.message : String(error)}${said ? `; it said: ${said}` : ''}`, {
      cause: error,
    });
  }
}

async function poll<T>(find: () => T | null | Promise<T | null>, deadlineMs: number): Promise<T | null> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const found = await find();
    if (found !== null) return found;
    if (Date.now() > until) return null;
    await sleep(POLL_MS);
  }
}

/**
 * Waits until these processes have left /proc ('reaped') or at least stopped running ('dead'); whether they did within
 * the time.
 */
async function settle(stats: readonly ProcStat[], until: 'reaped' | 'dead', withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const left = stats.filter((stat) =>
      until === 'reaped' ? present(stat.pid, stat.startTime) : runs(stat.pid, stat.startTime),
    );
    if (left.length === 0) return true;
    if (Date.now() > deadline) return false;
    await sleep(POLL_MS);
  }
}

/**
 * As settle, failing only when one still runs at the deadline: a zombie whose new parent has not reaped it yet is dead.
 */
async function waitGone(stats: readonly ProcStat[], until: 'reaped' | 'dead'): Promise<void> {
  if (await settle(stats, until, GONE_DEADLINE_MS)) return;
  const running = stats.filter((stat) => runs(stat.pid, stat.startTime));
  if (running.length > 0)
    throw new Error(`still running after SIGKILL: ${running.map((stat) => `${stat.pid} (${stat.comm})`).join(', ')}`);
}

/** Starts Erlang agents (and roots) for one test file and ends every one of them, whatever happened. */
export function erlangKeeper(): {
  add: (starting: Promise<ErlangAgent>) => Promise<ErlangAgent>;
  root: (name?: string) => Promise<EchoRoot>;
  stopAll: () => Promise<void>;
} {
  const agents: ErlangAgent[] = [];
  const roots: EchoRoot[] = [];
  return {
    add: async (starting) => {
      const agent = await starting;
      agents.push(agent);
      return agent;
    },
    root: async (name) => {
      const root = await makeEchoRoot(name);
      roots.push(root);
      return root;
    },
    stopAll: async () => {
      await Promise.all(agents.splice(0).map((agent) => agent.stop()));
      await Promise.all(roots.splice(0).map((root) => root.remove()));
    },
  };
}

export interface LookalikeVmOptions {
  /** The ECHO root whose `apps/<role>/<role>` it names (the escript need not exist). */
  readonly root: string;
  readonly role: string;
  /** Runs it as this user, every id of it (the test runs as root). */
  readonly user?: { readonly uid: number; readonly gid: number };
  /** Runs it with only its effective ids this user's (setpriv --euid): its real id stays the test's. */
  readonly effectiveUser?: { readonly uid: number; readonly gid: number };
  /** This many bytes of arguments after the script's (in arguments of 1,000 bytes), besides the few it needs. */
  readonly fillerBytes?: number;
  /** Its environment (nothing else is passed). */
  readonly env?: Readonly<Record<string, string>>;
  /** Ignores SIGTERM (an ignored signal stays ignored across exec), so only SIGKILL ends it. */
  readonly ignoreSigterm?: boolean;
  /** Runs right before the spawn (to choose the next pid, say). */
  readonly beforeSpawn?: () => void;
}

/** A process started for a test, ended by its pid, once, whatever happened. */
export interface LookalikeVm {
  readonly pid: number;
  readonly scriptPath: string;
  /** Whether that very process (not a later one given its number) has exited; a zombie has. */
  exited(): boolean;
  /** SIGKILL by pid (only while the pid is still this process), then waits for the exit. */
  stop(): Promise<void>;
}

const lookalikePrograms = new Map<string, Promise<string>>();

/**
 * `cat` copied under the name `beam.smp` into the root's `.lookalike/`, which
 * every user may read and which goes with the root: the OS lists it as an
 * Erlang VM (Linux's comm is the executable's file name), and it runs until
 * its standard input ends.
 */
function lookalikeBinary(root: string): Promise<string> {
  let program = lookalikePrograms.get(root);
  if (program === undefined) {
    program = (async () => {
      const cat = onPath('cat');
      if (cat === null) throw new Error('cat not found on PATH');
      const folder = join(root, '.lookalike');
      await mkdir(folder, { recursive: true });
      await chmod(folder, 0o755);
      const path = join(folder, 'beam.smp');
      await writeFile(path, await readFile(cat), { mode: 0o755 });
      await chmod(path, 0o755);
      return path;
    })();
    lookalikePrograms.set(root, program);
  }
  return program;
}

/**
 * A process anyone could start that looks to a process listing exactly like
 * an ECHO agent's VM: comm `beam.smp`, arguments `… -extra <root>/apps/<role>/<role> --autonomous`,
 * with `exec -a` giving it the script's path as argv[0], as the VM shows it.
 * It reads its stdin, a pipe this test process holds, so it ends when the test
 * process does, however that ends. It is no agent at all.
 */
export async function startLookalikeVm(options: LookalikeVmOptions): Promise<LookalikeVm> {
  const binary = await lookalikeBinary(options.root);
  const scriptPath = join(options.root, 'apps', options.role, options.role);
  const fillers = Math.ceil((options.fillerBytes ?? 0) / 1000);
  // The arguments are made by bash itself, with a larger stack: a megabyte or two of them cannot pass through a spawn
  // (E2BIG).
  const line = [
    ...(options.ignoreSigterm ? ["trap '' TERM"] : []),
    'ulimit -s 65536',
    'a=()',
    `if [ "$3" -gt 0 ]; then f=$(printf '%01000d' 0); for i in $(seq "$3"); do a+=("$f"); done; fi`,
    // cat reads `-` (its stdin) first; the other operands are never reached while the pipe is open.
    'exec -a "$2" "$1" -- - -extra "$2" --autonomous "${a[@]}"',
  ].join('; ');
  const privileges = options.effectiveUser
    ? ['setpriv', `--euid=${options.effectiveUser.uid}`, `--egid=${options.effectiveUser.gid}`, '--clear-groups', '--']
    : [];
  options.beforeSpawn?.();
  // `--norc`: its stdin is a socket, which bash takes for a remote shell's and would read ~/.bashrc for.
  // `-p`: bash would otherwise set its effective ids back to its real ones.
  const command = [
    ...privileges,
    'bash',
    '--norc',
    ...(options.effectiveUser ? ['-p'] : []),
    '-c',
    line,
    'lookalike',
    binary,
    scriptPath,
    String(fillers),
  ];
  const [file = 'bash', ...args] = command;
  const child = spawn(file, args, {
    cwd: '/',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
    stdio: ['pipe', 'ignore', 'ignore'],
    ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
  });
  child.on('error', () => undefined);
  child.stdin.on('error', () => undefined);
  const exit = once(child, 'exit').catch(() => undefined);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start a look-alike of ${scriptPath}`);
  // Wait until bash has become the look-alike (its comm is then beam.smp), so its start is that of the process tests
  // see.
  const stat = await poll(() => {
    const now = readStat(pid);
    return now?.comm === 'beam.smp' ? now : null;
  }, FIND_DEADLINE_MS);
  if (!stat) {
    child.kill('SIGKILL');
    await exit;
    throw new Error(`the look-alike of ${scriptPath} (pid ${pid}) did not start`);
  }
  let stopped: Promise<void> | null = null;
  return {
    pid,
    scriptPath,
    exited: () => !runs(pid, stat.startTime),
    stop: () => {
      stopped ??= (async () => {
        signal(stat, 'SIGKILL');
        await exit;
        child.stdin.destroy();
      })();
      return stopped;
    },
  };
}

/**
 * Whether this test process may choose the next pid (Linux, as root): the one way to make a pid be reused on purpose.
 */
export function canChoosePids(): boolean {
  try {
    accessSync('/proc/sys/kernel/ns_last_pid', constants.W_OK);
    return process.platform === 'linux' && process.getuid?.() === 0;
  } catch {
    return false;
  }
}

/** Makes the next process started get this pid, unless another takes it first. */
export function nextPidWillBe(pid: number): void {
  writeFileSync('/proc/sys/kernel/ns_last_pid', String(pid - 1));
}
