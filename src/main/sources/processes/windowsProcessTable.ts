import { z } from 'zod';
import { clipText, TEXT_LIMITS } from '../../../shared/clipText';
import { powerShellProgram } from './powerShellLaunch';
import { PowerShellSession } from './powerShellSession';
import { PROCESS_TABLE_SCRIPT, TABLE_LOOP_SCRIPT } from './windowsTableScripts';

/** What a program printed and how it exited; `code` null when it was ended by a signal. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

/** What a table is read from: a program's output, or an answer from one that goes on running (no `code`). */
export interface TableOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly code?: number | null;
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
function failure(output: TableOutput, what: string): Error {
  const said = `${output.stderr}\n${output.stdout}`.replace(/\s+/g, ' ').trim();
  const exit = output.code === undefined ? '' : ` (exit ${output.code === null ? 'by a signal' : String(output.code)})`;
  return new Error(
    `PowerShell's process table ${what}${exit}${said ? `: ${clipText(said, TEXT_LIMITS.message)}` : ''}`,
  );
}

/**
 * Reads the table from what the script printed. Throws unless the envelope is
 * there and lists this process: an empty or partial answer is a failure, so
 * that no process is ever called gone on the word of a query that did not run.
 */
export function parseProcessTable(output: TableOutput, selfPid: number, atMs: number): WindowsProcessTable {
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

/** Where the tables come from: one long-lived program asked again and again. */
export interface TableSession {
  request(): Promise<{ readonly stdout: string; readonly stderr: string }>;
  close(): Promise<void>;
}

export interface WindowsProcessReaderOptions {
  /**
   * Runs the one-shot script, a program per table (tests and the bench hand it recorded outputs); without it the
   * tables come from `session`.
   */
  readonly run?: PowerShellRunner;
  /** The long-lived program that answers (default: one Windows PowerShell running the table loop). */
  readonly session?: TableSession;
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
 * faster than PowerShell answers waits on the running one rather than ask
 * again.
 */
export const TABLE_REUSE_MS = 1000;

/**
 * The process table, read for the whole monitor through one reader: one
 * Windows PowerShell, started on the first read and kept, answers every
 * table (starting PowerShell costs seconds of CPU on some machines; its
 * query, far less). At most one query runs at a time for the reader's
 * polls, every read while it runs gets its answer, and a table under
 * TABLE_REUSE_MS old answers without asking. A failed query is never kept:
 * the next read asks again. `close()` ends the PowerShell.
 */
export class WindowsProcessReader {
  private readonly ask: () => Promise<TableOutput>;
  private readonly session: TableSession | null;
  private readonly selfPid: number;
  private readonly clock: () => number;
  private readonly reuseMs: number;
  private running: Promise<WindowsProcessTable> | null = null;
  private last: WindowsProcessTable | null = null;

  constructor(options: WindowsProcessReaderOptions = {}) {
    const run = options.run;
    if (run === undefined) {
      const session = options.session ?? new PowerShellSession({ program: powerShellProgram(TABLE_LOOP_SCRIPT) });
      this.session = session;
      this.ask = () => session.request();
    } else {
      this.session = null;
      this.ask = () => run(PROCESS_TABLE_SCRIPT);
    }
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

  /** Ends the long-lived PowerShell, once it has exited. */
  close(): Promise<void> {
    return this.session?.close() ?? Promise.resolve();
  }

  private async query(): Promise<WindowsProcessTable> {
    const output = await this.ask();
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

/**
 * Ends the shared reader's PowerShell, for the monitor's close; a later read starts another. Without it the
 * PowerShell still ends when this process does, as its input closes then.
 */
export async function closeSharedWindowsReader(): Promise<void> {
  const reader = shared;
  shared = null;
  await reader?.close();
}
