/**
 * Telling ECHO's processes among a machine's, by what the OS says of each.
 *
 * Each ECHO agent is a Mix escript at `<root>/apps/<role>/<role>` (Claude Desktop's configuration runs
 * `<root>/agents/<role>/<role>`). The OS lists the Erlang VM that runs it: `beam.smp` on Linux and macOS, `erl.exe` on
 * Windows, whose arguments end with `-extra <script as launched> [its arguments]`, as recorded on Debian's OTP 25: comm
 * `beam.smp`, argv `./cto -B -- -root /usr/lib/erlang … -run escript start -extra ./cto --autonomous`, cwd
 * `<root>/apps/cto` In development an agent runs as `mix run --no-halt` in `<root>/apps/<role>`: the VM's plain
 * arguments are then `<elixir's mix> run --no-halt`.
 *
 * So a process is ECHO's when its executable is a VM (never by its text alone:
 * `timeout`, a shell loop or `tail` may carry the same path in their arguments)
 * and its plain arguments start with one of those forms. A relative script
 * path is resolved against the process's working directory.
 */

/** What a process listing says of one process. */
export interface ProcessFacts {
  /** The running executable's file name (Linux's comm, macOS's ucomm, Windows' Name); null where unknown. */
  readonly executable: string | null;
  /** The exact arguments, argv[0] first, where the platform gives them (Linux); null elsewhere. */
  readonly argv: readonly string[] | null;
  /** The command line as the platform prints it: arguments joined by spaces, or Windows' own quoted line. */
  readonly commandLine: string;
  /** The working directory, where it can be read; null elsewhere. */
  readonly cwd: string | null;
}

/** How the agent was started: `--autonomous`, MCP mode (no flag, stdin its transport), or `mix run`. */
export type LaunchForm = 'autonomous' | 'mcp' | 'mix';

export interface EchoProcess {
  readonly kind: 'agent' | 'delegator';
  readonly role: string;
  /** The ECHO checkout it runs from; null where a relative path could not be resolved. */
  readonly root: string | null;
  readonly form: LaunchForm;
}

/** The Erlang VM's executables: the emulator on Unix, `erl.exe`/`werl.exe` (which hold the emulator) on Windows. */
export const ERLANG_VM_EXECUTABLES: readonly string[] = ['beam.smp', 'beam', 'erl.exe', 'werl.exe'];

const ROLE = /^[a-z][a-z0-9_]*$/;

/** Linux keeps 15 characters of an executable's name (TASK_COMM_LEN). */
const COMM_LENGTH = 15;

/**
 * How much of a process's arguments is looked at: an Erlang VM's hold its
 * script's path twice and a few hundred bytes of its own. A process chooses
 * its own arguments, megabytes of them if it likes; listings read no more
 * than this, and what is classified is cut to it too.
 */
export const ARGUMENTS_LIMIT = 16 * 1024;

/** The facts cut to ARGUMENTS_LIMIT: whole arguments while they fit, the printed line and the cwd at that length. */
function bounded(facts: ProcessFacts): ProcessFacts {
  let argv = facts.argv;
  if (argv !== null) {
    let length = 0;
    let kept = 0;
    while (kept < argv.length && (length += (argv[kept]?.length ?? 0) + 1) <= ARGUMENTS_LIMIT) kept += 1;
    if (kept < argv.length) argv = argv.slice(0, kept);
  }
  const cut = (text: string): string => (text.length > ARGUMENTS_LIMIT ? text.slice(0, ARGUMENTS_LIMIT) : text);
  return {
    executable: facts.executable,
    argv,
    commandLine: cut(facts.commandLine),
    cwd: facts.cwd === null ? null : cut(facts.cwd),
  };
}

/** Whether the executable is one of these, allowing for Linux's cut names and Windows' case. */
export function executableIn(executable: string | null, names: readonly string[]): boolean {
  if (executable === null) return false;
  const seen = executable.toLowerCase();
  return names.some((name) => {
    const wanted = name.toLowerCase();
    return seen === wanted || (seen.length === COMM_LENGTH && wanted.startsWith(seen));
  });
}

const isWindowsPath = (path: string): boolean =>
  /^[a-z]:[\\/]/i.test(path) || path.startsWith('\\\\') || path.includes('\\');
const isAbsolutePath = (path: string): boolean =>
  path.startsWith('/') || /^[a-z]:[\\/]/i.test(path) || path.startsWith('\\\\');

/**
 * `.` and `..` taken out, in the path's own separator (this module reads other machines' paths too, so not
 * node:path's).
 */
function normalized(path: string): string {
  const separator = isWindowsPath(path) ? '\\' : '/';
  // A network share (`\\server\share`) keeps both of its leading separators.
  const share = /^[\\/]{2}(?=[^\\/])/.test(path) && separator === '\\';
  const [head = '', ...segments] = (share ? path.slice(2) : path).split(/[\\/]/);
  const kept: string[] = [];
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') kept.pop();
    else kept.push(segment);
  }
  return `${share ? '\\\\' : ''}${[head, ...kept].join(separator) || separator}`;
}

/** An absolute path, or the relative one resolved against `cwd`; null when it cannot be. */
function resolvedPath(path: string, cwd: string | null): string | null {
  if (isAbsolutePath(path)) return normalized(path);
  if (cwd === null || !isAbsolutePath(cwd)) return null;
  return normalized(`${cwd}${isWindowsPath(cwd) ? '\\' : '/'}${path}`);
}

const isSeparator = (code: number): boolean => code === 0x2f || code === 0x5c;

/** Where the separator before `end` is in `path`, looking back from `end - 1`; -1 when there is none. */
function separatorBefore(path: string, end: number): number {
  let at = end - 1;
  while (at >= 0 && !isSeparator(path.charCodeAt(at))) at -= 1;
  return at;
}

/**
 * `[<root>/](apps|agents)/<role>/<role>` → its root and role, read from the
 * path's last three segments, looking back from its end only: the cost is the
 * length of those segments, whatever the path holds before them.
 * `atStart`: whether `(apps|agents)` may begin the text (a relative path).
 */
function echoShapeAtEnd(path: string, atStart = true): { root: string | null; role: string } | null {
  const last = separatorBefore(path, path.length);
  const middle = last < 0 ? -1 : separatorBefore(path, last);
  if (middle < 0) return null;
  const first = separatorBefore(path, middle);
  const folder = path.slice(first + 1, middle);
  const role = path.slice(middle + 1, last);
  if ((folder !== 'apps' && folder !== 'agents') || role !== path.slice(last + 1) || !ROLE.test(role)) return null;
  // No folder before `apps` only in a relative path (`apps/ceo/ceo`), whose root cannot be told anyway.
  if (first < 0) return atStart ? { root: null, role } : null;
  return { root: first === 0 ? '/' : path.slice(0, first), role };
}

/** `<root>/(apps|agents)/<role>/<role>` → its root and role (root '' for a relative `apps/<role>/<role>`). */
function scriptParts(path: string): { root: string; role: string } | null {
  const shape = echoShapeAtEnd(path);
  return shape && { root: shape.root ?? '', role: shape.role };
}

/** `<root>/apps/<role>` → its root and role: where `mix run` runs an app. */
function appFolderParts(cwd: string): { root: string; role: string } | null {
  const match = /^(.*)[\\/]apps[\\/]([^\\/]+)[\\/]?$/.exec(cwd);
  if (!match || match[1] === undefined || match[2] === undefined || !ROLE.test(match[2])) return null;
  return { root: match[1] === '' ? '/' : match[1], role: match[2] };
}

const MIX_NAMES = new Set(['mix', 'mix.bat', 'mix.ps1']);
const fileName = (path: string): string => path.split(/[\\/]/).at(-1)?.toLowerCase() ?? '';

/** The arguments the VM hands the program it runs: those after `-extra`, or after argv[0] for a stand-in. */
function plainArguments(facts: ProcessFacts, erlang: boolean): readonly string[] | null {
  if (facts.argv !== null) {
    const extra = facts.argv.indexOf('-extra');
    if (extra >= 0) return facts.argv.slice(extra + 1);
    return erlang ? null : facts.argv.slice(1);
  }
  return null;
}

/**
 * Where the standalone word `-extra` (whitespace or an end on each side) first appears, and where the text after it
 * starts; null when it does not.
 */
function extraAt(line: string): { start: number; end: number } | null {
  for (let at = line.indexOf('-extra'); at >= 0; at = line.indexOf('-extra', at + 1)) {
    const after = at + '-extra'.length;
    if ((at === 0 || /\s/.test(line.charAt(at - 1))) && (after === line.length || /\s/.test(line.charAt(after)))) {
      let end = after;
      while (end < line.length && /\s/.test(line.charAt(end))) end += 1;
      return { start: at, end };
    }
  }
  return null;
}

/**
 * The script at the start of `tail` by its ECHO shape: the shortest run of
 * whole words, none after the first starting with `-` and none crossing a
 * line, that ends in `(apps|agents)/<role>/<role>`. One pass over the words,
 * each looked at from its end: linear in the text, unlike a lazy pattern
 * retried at every word.
 */
function shapedScript(tail: string): { script: string; rest: string } | null {
  if (tail.startsWith('-')) return null;
  const words = /[^\s]+/g;
  let previousEnd = 0;
  for (let word = words.exec(tail); word !== null; word = words.exec(tail)) {
    const start = word.index;
    // Words hold no whitespace, so a line can only end in the gap before this one.
    if (start > 0 && (word[0].startsWith('-') || /[\n\r\u2028\u2029]/.test(tail.slice(previousEnd, start))))
      return null;
    const end = start + word[0].length;
    previousEnd = end;
    if (echoShapeAtEnd(word[0], start === 0) !== null) {
      let rest = end;
      while (rest < tail.length && /\s/.test(tail.charAt(rest))) rest += 1;
      return { script: tail.slice(0, end), rest: tail.slice(rest) };
    }
  }
  return null;
}

/**
 * The same from a printed command line, which cannot be split right where a
 * path holds spaces: the script's path is found by its ECHO shape instead,
 * the shortest prefix that ends in `(apps|agents)/<role>/<role>` then a space.
 */
function textArguments(line: string, erlang: boolean): { script: string; rest: string } | null {
  const extra = extraAt(line);
  let tail: string;
  if (extra) tail = line.slice(extra.end);
  else if (erlang) return null;
  else {
    const trimmed = line.trimStart();
    const program = trimmed.startsWith('"') ? /^"[^"]*"\s*/.exec(trimmed) : /^\S+\s*/.exec(trimmed);
    tail = trimmed.slice(program?.[0].length ?? trimmed.length);
  }
  const quoted = /^"([^"]*)"(?:\s+|$)/.exec(tail);
  if (quoted?.[1] !== undefined) return { script: quoted[1], rest: tail.slice(quoted[0].length) };
  // The script is the first plain argument: its text starts with no flag and holds none (` -…`) before its ECHO shape.
  const shaped = shapedScript(tail);
  if (shaped) return shaped;
  const word = /^(\S+)\s*/.exec(tail);
  return word?.[1] === undefined ? null : { script: word[1], rest: tail.slice(word[0].length) };
}

/**
 * The arguments after the script, as the program gets them: a launcher may quote even a bare word (`"--autonomous"`).
 */
const splitWords = (text: string): string[] =>
  text
    .split(/\s+/)
    .filter((word) => word !== '')
    .map((word) => (/^"[^"]*"$/.test(word) ? word.slice(1, -1) : word));

/**
 * What this process is to ECHO: one of its agents, its delegator, or nothing
 * (null). `vmExecutables` are the executables that may run an agent's script.
 */
export function classifyEchoProcess(
  given: ProcessFacts,
  vmExecutables: readonly string[] = ERLANG_VM_EXECUTABLES,
): EchoProcess | null {
  if (!executableIn(given.executable, vmExecutables)) return null;
  const facts = bounded(given);
  const erlang = executableIn(facts.executable, ERLANG_VM_EXECUTABLES);
  const plain = plainArguments(facts, erlang);
  const parsed =
    plain === null
      ? textArguments(facts.commandLine, erlang)
      : plain[0] === undefined
        ? null
        : { script: plain[0], rest: plain.slice(1) };
  if (parsed === null) return null;
  const rest = typeof parsed.rest === 'string' ? splitWords(parsed.rest) : parsed.rest;

  if (MIX_NAMES.has(fileName(parsed.script)) && rest[0] === 'run') {
    const app = facts.cwd === null ? null : appFolderParts(facts.cwd);
    if (app === null) return null;
    return { kind: app.role === 'delegator' ? 'delegator' : 'agent', role: app.role, root: app.root, form: 'mix' };
  }
  const resolved = resolvedPath(parsed.script, facts.cwd);
  const parts = scriptParts(resolved ?? parsed.script);
  if (parts === null) return null;
  // ECHO's CLI takes `["--autonomous" | _]`: the flag anywhere else leaves the agent in MCP mode.
  const form: LaunchForm = rest[0] === '--autonomous' ? 'autonomous' : 'mcp';
  return {
    kind: parts.role === 'delegator' ? 'delegator' : 'agent',
    role: parts.role,
    root: resolved === null || parts.root === '' ? null : parts.root,
    form,
  };
}

/** `/`-separated, without a trailing separator, so Windows and Unix paths compare alike. */
export const comparablePath = (path: string): string => path.replaceAll('\\', '/').replace(/\/+$/, '') || '/';

/** Whether two roots name the same folder (Windows paths compare without case). */
export function sameRoot(a: string, b: string): boolean {
  const left = comparablePath(a);
  const right = comparablePath(b);
  return isWindowsPath(a) || isWindowsPath(b) ? left.toLowerCase() === right.toLowerCase() : left === right;
}

/** The environment variable ECHO reads an agent's model from: `senior_developer` → `SENIOR_DEVELOPER_MODEL`. */
export function modelVariableOf(role: string): string {
  return `${role.toUpperCase()}_MODEL`;
}
