import { execFile } from 'node:child_process';
import { z } from 'zod';
import { clipText, TEXT_LIMITS } from '../../../shared/clipText';
import { childEnvironment } from '../childEnvironment';
import { ARGUMENTS_READ_LIMIT } from './procFiles';

/** What a program printed and how it exited; `code` null when it was ended by a signal. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

/** Runs one PowerShell script and gives what it printed; rejects only when it could not run or did not finish. */
export type PowerShellRunner = (script: string) => Promise<CommandOutput>;

/** One process of the table, as Win32_Process gives it. */
export interface WindowsProcessRow {
  readonly pid: number;
  readonly ppid: number | null;
  /** The image's file name (`erl.exe`). */
  readonly name: string | null;
  /** Null where Windows does not show it (protected processes, another user's without the right). */
  readonly commandLine: string | null;
  readonly workingSetBytes: number | null;
  /** User and kernel time together, in 100 ns units. */
  readonly cpuTime100ns: number | null;
  /** CreationDate, epoch ms: with the pid it names one process. */
  readonly startedMs: number | null;
}

/** Every process of the machine at one moment. */
export interface WindowsProcessTable {
  readonly rows: ReadonlyMap<number, WindowsProcessRow>;
  /** When it arrived, on the reader's monotonic clock. */
  readonly atMs: number;
}

/**
 * The one query: every process with what both the listing and the measuring
 * need, so one PowerShell per poll answers both. It prints JSON, whose
 * numbers and keys are the same in every Windows language; nothing it writes
 * in words (an error, a warning, "no instances") is ever read for its
 * meaning. The envelope `{"processes": [...]}` is the answer; anything else
 * is a failure, never "none running". Output is UTF-8, as a command line may
 * hold any character and the console's code page would garble it. A command
 * line is cut at the length Linux's listing reads.
 */
export const PROCESS_TABLE_SCRIPT = [
  "$ProgressPreference = 'SilentlyContinue'",
  "$ErrorActionPreference = 'Stop'",
  '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8',
  '$rows = @(Get-CimInstance -ClassName Win32_Process -Property ProcessId,ParentProcessId,Name,CommandLine,WorkingSetSize,UserModeTime,KernelModeTime,CreationDate | ForEach-Object {',
  '  $c = $_.CommandLine',
  `  if ($c -and $c.Length -gt ${String(ARGUMENTS_READ_LIMIT)}) { $c = $c.Substring(0, ${String(ARGUMENTS_READ_LIMIT)}) }`,
  '  [pscustomobject]@{',
  '    pid = $_.ProcessId; ppid = $_.ParentProcessId; name = $_.Name; commandLine = $c; workingSet = $_.WorkingSetSize',
  '    cpu100ns = $_.UserModeTime + $_.KernelModeTime',
  '    startedMs = if ($_.CreationDate) { ([DateTimeOffset]$_.CreationDate).ToUnixTimeMilliseconds() } else { $null }',
  '  }',
  '})',
  'ConvertTo-Json -InputObject @{ processes = $rows } -Depth 3 -Compress',
].join('\n');

const count = z.number().nonnegative().nullable().optional();
const rowSchema = z.object({
  pid: z.number().int().nonnegative(),
  ppid: z.number().int().nonnegative().nullable().optional(),
  name: z.string().nullable().optional(),
  commandLine: z.string().nullable().optional(),
  workingSet: count,
  cpu100ns: count,
  startedMs: z.number().nullable().optional(),
});
const envelopeSchema = z.object({ processes: z.unknown() });

/** Why a failed run failed, in one bounded line: its own words, shown, never interpreted. */
function failure(output: CommandOutput, what: string): Error {
  const said = `${output.stderr}\n${output.stdout}`.replace(/\s+/g, ' ').trim();
  return new Error(
    `PowerShell's process table ${what} (exit ${output.code === null ? 'by a signal' : String(output.code)})${said ? `: ${clipText(said, TEXT_LIMITS.message)}` : ''}`,
  );
}

/**
 * Reads the table from what the script printed. Throws unless the envelope is
 * there and lists this process: an empty or partial answer is a failure, so
 * that no process is ever called gone on the word of a query that did not run.
 */
export function parseProcessTable(output: CommandOutput, selfPid: number, atMs: number): WindowsProcessTable {
  // The JSON is one line, the last that starts with a brace; a byte order mark or a stray line before it is not part of
  // it.
  const line = output.stdout
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((text) => text.trim())
    .findLast((text) => text.startsWith('{'));
  let parsed: unknown;
  try {
    parsed = line === undefined ? undefined : JSON.parse(line);
  } catch {
    parsed = undefined;
  }
  const envelope = envelopeSchema.safeParse(parsed);
  if (!envelope.success) throw failure(output, 'did not come');
  const listed = envelope.data.processes;
  // PowerShell may give a one-element array as the element alone.
  const entries: readonly unknown[] = Array.isArray(listed)
    ? listed
    : listed === null || listed === undefined
      ? []
      : [listed];
  const rows = new Map<number, WindowsProcessRow>();
  for (const entry of entries) {
    const row = rowSchema.safeParse(entry);
    if (!row.success) continue;
    const { pid, ppid, name, commandLine, workingSet, cpu100ns, startedMs } = row.data;
    rows.set(pid, {
      pid,
      ppid: ppid ?? null,
      name: name ?? null,
      commandLine: commandLine ?? null,
      workingSetBytes: workingSet ?? null,
      cpuTime100ns: cpu100ns ?? null,
      startedMs: startedMs ?? null,
    });
  }
  if (!rows.has(selfPid))
    throw new Error(
      `PowerShell's process table is incomplete (${String(rows.size)} processes, this one not among them)`,
    );
  return { rows, atMs };
}

const POWERSHELL_TIMEOUT_MS = 10_000;

/**
 * Windows PowerShell, from the system folder when the environment names it
 * (a PATH entry could put another program first), with no profile, its
 * script given encoded so that no quoting of Windows' command line applies,
 * and only the environment the monitor's other programs get.
 */
export function runPowerShell(script: string, env: NodeJS.ProcessEnv = process.env): Promise<CommandOutput> {
  const root = env.SystemRoot ?? env.windir;
  const program = root === undefined ? 'powershell.exe' : `${root}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe`;
  const encoded = Buffer.from(script, 'utf16le').toString('base64');
  return new Promise((resolve, reject) => {
    execFile(
      program,
      ['-NoLogo', '-NoProfile', '-NonInteractive', '-EncodedCommand', encoded],
      {
        timeout: POWERSHELL_TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
        windowsHide: true,
        encoding: 'utf8',
        env: childEnvironment('win32', env),
      },
      (error, stdout, stderr) => {
        if (error === null) resolve({ stdout, stderr, code: 0 });
        // It ran and exited with a code: what it printed tells the rest.
        else if (typeof error.code === 'number') resolve({ stdout, stderr, code: error.code });
        else
          reject(
            error.killed
              ? new Error(`PowerShell gave no process table within ${String(POWERSHELL_TIMEOUT_MS / 1000)} s`)
              : error,
          );
      },
    );
  });
}

export interface WindowsProcessReaderOptions {
  /** Runs the script (default: Windows PowerShell); tests and the bench hand it recorded outputs. */
  readonly run?: PowerShellRunner;
  /** The pid every complete table lists (default: this process's). */
  readonly selfPid?: number;
  /** Monotonic milliseconds (default: performance.now). */
  readonly clock?: () => number;
  /** How old a table may be and still answer a read that does not ask for a fresh one. */
  readonly reuseMs?: number;
}

/**
 * A table younger than this answers: a poll's measuring, its listing and the
 * registry's pids all take the one the poll started, and a poll that comes
 * faster than PowerShell answers waits on the running one rather than start
 * another.
 */
export const TABLE_REUSE_MS = 1000;

/**
 * The process table, read for the whole monitor through one reader: at most
 * one PowerShell runs at a time for it, every read while it runs gets its
 * answer, and a table under TABLE_REUSE_MS old answers without running one.
 * Starting PowerShell costs seconds of CPU on some machines, so a poll runs
 * it once, whoever asks. A failed run is never kept: the next read tries again.
 */
export class WindowsProcessReader {
  private readonly run: PowerShellRunner;
  private readonly selfPid: number;
  private readonly clock: () => number;
  private readonly reuseMs: number;
  private running: Promise<WindowsProcessTable> | null = null;
  private last: WindowsProcessTable | null = null;

  constructor(options: WindowsProcessReaderOptions = {}) {
    this.run = options.run ?? ((script) => runPowerShell(script));
    this.selfPid = options.selfPid ?? process.pid;
    this.clock = options.clock ?? (() => performance.now());
    this.reuseMs = options.reuseMs ?? TABLE_REUSE_MS;
  }

  /**
   * The table: the running read's or a recent one's, unless `fresh` asks for one begun now (Stop's look before its
   * signal).
   */
  read(options: { readonly fresh?: boolean } = {}): Promise<WindowsProcessTable> {
    if (options.fresh !== true) {
      if (this.running !== null) return this.running;
      const last = this.last;
      if (last !== null && this.clock() - last.atMs <= this.reuseMs) return Promise.resolve(last);
    }
    const query = this.query();
    if (this.running === null) {
      this.running = query;
      const done = (): void => {
        if (this.running === query) this.running = null;
      };
      query.then(done, done);
    }
    return query;
  }

  private async query(): Promise<WindowsProcessTable> {
    const output = await this.run(PROCESS_TABLE_SCRIPT);
    const table = parseProcessTable(output, this.selfPid, this.clock());
    if (this.last === null || table.atMs >= this.last.atMs) this.last = table;
    return table;
  }
}

let shared: WindowsProcessReader | null = null;

/**
 * The monitor's one reader on Windows, which the scanner's listing and measuring and the registry's probe all go
 * through.
 */
export function sharedWindowsReader(): WindowsProcessReader {
  shared ??= new WindowsProcessReader();
  return shared;
}
