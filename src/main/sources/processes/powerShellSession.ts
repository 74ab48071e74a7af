import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { clipText, TEXT_LIMITS } from '../../../shared/clipText';
import type { LaunchedProgram } from './powerShellLaunch';

/**
 * The line that ends an answer: this, a space and the request's id. It
 * cannot be taken for the answer's JSON, which starts with a brace.
 */
export const ANSWER_END = '#end-of-answer';

/** What the program printed between a request and the end line carrying its id. */
export interface SessionAnswer {
  readonly stdout: string;
  /** What it wrote on standard error meanwhile, its last few thousand characters. */
  readonly stderr: string;
}

export interface PowerShellSessionOptions {
  /** The program that answers requests: Windows PowerShell running the table loop, or a stand-in that speaks alike. */
  readonly program: LaunchedProgram;
  /** How long one request may wait for its end line, starting included (default 10 s). */
  readonly timeoutMs?: number;
  /** The least time between two starts (default 30 s). */
  readonly restartIntervalMs?: number;
  /** The most one answer may hold (default 64 MB). */
  readonly maxAnswerBytes?: number;
  /** Monotonic milliseconds (default: performance.now). */
  readonly clock?: () => number;
  /** Told each program started, with its pid. */
  readonly onStart?: (pid: number) => void;
}

export const SESSION_TIMEOUT_MS = 10_000;
/**
 * A PowerShell that dies at once, or hangs on every query, would otherwise be
 * started again on every poll, and each start costs the seconds of CPU the
 * session is there to save. At most one start in 30 s keeps a broken one to
 * a sixth of what a start every 5 s poll cost, while one that served for a
 * while and then failed is started again by the very next read.
 */
export const RESTART_INTERVAL_MS = 30_000;
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
/** Standard error kept for the error text; older text is dropped. */
const STDERR_KEPT = 4000;

/** A bound in words: whole megabytes, or bytes below one. */
const sizeText = (bytes: number): string =>
  bytes >= 2 ** 20 ? `${String(Math.round(bytes / 2 ** 20))} MB` : `${String(bytes)} bytes`;

interface Exchange {
  readonly id: string;
  readonly resolve: (answer: SessionAnswer) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
  lines: string[];
  stderr: string;
}

/** One started program and what it has printed that is not settled yet. */
interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<void>;
  readonly decoder: StringDecoder;
  /** The end of the output that has no newline yet. */
  partial: string[];
  /** Bytes printed since the last settled line boundary (an end line, a request, a line nobody waits for). */
  heldBytes: number;
  stderrTail: string;
  exchange: Exchange | null;
  ended: boolean;
}

/**
 * One long-lived program that answers one request at a time over its standard
 * input and output, started on the first request rather than once per
 * request: Windows PowerShell's start is the expensive part of reading the
 * process table. Each request is a random id on a line of its own; its answer
 * is every line before the end line carrying that id, so output that belongs
 * to an earlier request can never be taken for a later one's. A request that
 * times out, a program that exits, a write that fails or an answer past the
 * bound ends the program and fails the request with the reason; the next
 * request starts another (no sooner than `restartIntervalMs` after the last
 * start). The program and its pipes never hold this process open, and the
 * program ends by itself when its input closes.
 */
export class PowerShellSession {
  private readonly program: LaunchedProgram;
  private readonly timeoutMs: number;
  private readonly restartIntervalMs: number;
  private readonly maxAnswerBytes: number;
  private readonly clock: () => number;
  private readonly onStart: ((pid: number) => void) | undefined;
  private running: Running | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private lastStartMs: number | null = null;
  private lastFailure = '';
  private closed = false;

  constructor(options: PowerShellSessionOptions) {
    this.program = options.program;
    this.timeoutMs = options.timeoutMs ?? SESSION_TIMEOUT_MS;
    this.restartIntervalMs = options.restartIntervalMs ?? RESTART_INTERVAL_MS;
    this.maxAnswerBytes = options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
    this.clock = options.clock ?? (() => performance.now());
    this.onStart = options.onStart;
  }

  /** The running program's pid, or null when none runs. */
  get pid(): number | null {
    return this.running?.child.pid ?? null;
  }

  /** One answer; requests made together are sent one after another. */
  request(): Promise<SessionAnswer> {
    const answer = this.queue.then(() => this.exchange());
    this.queue = answer.catch(() => undefined);
    return answer;
  }

  /** Ends the program, failing a request that waits; resolves once it has exited. Later requests fail. */
  async close(): Promise<void> {
    this.closed = true;
    const running = this.running;
    if (running === null) return;
    this.end(running, "PowerShell's process table session was closed");
    // Held while it is awaited, else a caller waiting for nothing else would see its process exit first.
    running.child.ref();
    await running.exited;
  }

  private exchange(): Promise<SessionAnswer> {
    if (this.closed) return Promise.reject(new Error("PowerShell's process table session is closed"));
    let running: Running;
    try {
      running = this.running ?? this.start();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise((resolve, reject) => {
      const id = randomBytes(16).toString('hex');
      // The one handle that holds this process open, and only while a request waits: the pipes do not, so a
      // one-shot command exits once it has its table.
      const timer = setTimeout(() => {
        this.end(running, `PowerShell gave no process table within ${String(this.timeoutMs / 1000)} s`);
      }, this.timeoutMs);
      running.exchange = { id, resolve, reject, timer, lines: [], stderr: '' };
      running.heldBytes = 0;
      running.child.stdin.write(`${id}\n`, (error) => {
        if (error) this.end(running, `could not write to PowerShell: ${error.message}`);
      });
    });
  }

  private start(): Running {
    const now = this.clock();
    if (this.lastStartMs !== null && now - this.lastStartMs < this.restartIntervalMs) {
      const ago = Math.round((now - this.lastStartMs) / 1000);
      throw new Error(
        `${this.lastFailure} (PowerShell started ${String(ago)} s ago; it is started again at most once every ${String(this.restartIntervalMs / 1000)} s)`,
      );
    }
    this.lastStartMs = now;
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(this.program.file, [...this.program.args], {
        env: this.program.env,
        stdio: 'pipe',
        windowsHide: true,
      });
    } catch (error) {
      this.lastFailure = `PowerShell could not run: ${error instanceof Error ? error.message : String(error)}`;
      throw new Error(this.lastFailure, { cause: error });
    }
    let exited: () => void = () => undefined;
    const running: Running = {
      child,
      exited: new Promise((resolve) => (exited = resolve)),
      decoder: new StringDecoder('utf8'),
      partial: [],
      heldBytes: 0,
      stderrTail: '',
      exchange: null,
      ended: false,
    };
    this.running = running;
    child.once('exit', exited);
    child.once('error', (error) => {
      exited();
      this.end(running, `PowerShell could not run: ${error.message}`);
    });
    // 'close' comes once its output has been read to the end, so an answer printed just before it exits still counts.
    child.once('close', (code, signal) => {
      exited();
      this.end(
        running,
        `PowerShell's process table session ended (${code === null ? `by ${String(signal)}` : `exit ${String(code)}`})`,
      );
    });
    child.stdin.on('error', (error) => {
      this.end(running, `could not write to PowerShell: ${error.message}`);
    });
    child.stdout.on('data', (chunk: Buffer) => {
      this.onOutput(running, chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      running.stderrTail = (running.stderrTail + text).slice(-STDERR_KEPT);
      if (running.exchange) running.exchange.stderr = (running.exchange.stderr + text).slice(-STDERR_KEPT);
    });
    child.unref();
    // A pipe is a socket under the child's streams; unreferenced, an idle session never keeps this process alive.
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as Partial<Socket>).unref?.();
    if (child.pid !== undefined) this.onStart?.(child.pid);
    return running;
  }

  private onOutput(running: Running, chunk: Buffer): void {
    if (running.ended) return;
    running.heldBytes += chunk.length;
    if (running.heldBytes > this.maxAnswerBytes) {
      this.end(running, `PowerShell's answer passed ${sizeText(this.maxAnswerBytes)}`);
      return;
    }
    const text = running.decoder.write(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      running.partial.push(text.slice(start, end));
      start = end + 1;
      const line = running.partial
        .join('')
        .replace(/\r$/, '')
        .replace(/^\uFEFF/, '');
      running.partial = [];
      this.onLine(running, line);
    }
    if (start < text.length) running.partial.push(text.slice(start));
  }

  private onLine(running: Running, line: string): void {
    const exchange = running.exchange;
    if (line.startsWith(`${ANSWER_END} `)) {
      running.heldBytes = 0;
      if (exchange === null) return;
      if (line.slice(ANSWER_END.length + 1).trim() !== exchange.id) {
        // The end of an answer to a request given up on: what came before it was that answer.
        exchange.lines = [];
        return;
      }
      running.exchange = null;
      clearTimeout(exchange.timer);
      exchange.resolve({ stdout: exchange.lines.join('\n'), stderr: exchange.stderr });
    } else if (exchange === null) running.heldBytes = 0;
    else exchange.lines.push(line);
  }

  /** Ends the program for `reason`, failing the request that waits on it; the next request starts another. */
  private end(running: Running, reason: string): void {
    if (running.ended) return;
    running.ended = true;
    if (this.running === running) this.running = null;
    const said = running.stderrTail.replace(/\s+/g, ' ').trim();
    const message = said ? `${reason}: ${clipText(said, TEXT_LIMITS.message)}` : reason;
    this.lastFailure = message;
    if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
    running.child.stdin.destroy();
    const exchange = running.exchange;
    running.exchange = null;
    if (exchange === null) return;
    clearTimeout(exchange.timer);
    exchange.reject(new Error(message));
  }
}
