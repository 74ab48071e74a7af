import type { Writable } from 'node:stream';
import { errorText } from '../../shared/errorText';
import { escapeControls } from '../../shared/terminalText';
import { EXIT, type ExitCode } from './exitCodes';

/** Where a command writes, so tests can run commands in-process and read what they said. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** The process's standard output as a stream, for output too large to hold (export); without it, `out` is used. */
  readonly stdout?: Writable;
  readonly now: () => number;
  readonly timeZone: string;
  /** Where `serve` reads the zone at each poll; the fixed `timeZone` where absent (tests). */
  readonly liveTimeZone?: () => string;
  /** Resolves when a long-running command should stop (SIGINT or SIGTERM), with the signal's name. */
  readonly untilStopped: () => Promise<string>;
}

/** The process's standard streams, watched: what the command line writes through, and what became of them. */
export interface StandardStreams {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Resolves once either stream has failed or closed, so a long-running command stops as a signal would stop it. */
  readonly lost: Promise<string>;
  /** The code to exit with: the command's own, unless output was lost to a failure. */
  exitCode(commandCode: ExitCode): ExitCode;
}

function isBrokenPipe(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EPIPE';
}

/**
 * Listens for the streams' `'error'` (a full disk, a closed pipe), which
 * would otherwise end the process with a stack trace, and decides what it
 * means:
 *
 * - standard output closed by its reader (EPIPE, `status | head -0`): it got
 *   what it wanted; nothing more is written there, nothing is said, and the
 *   command keeps its exit code;
 * - standard output failing otherwise (ENOSPC, EIO): one line on stderr names
 *   it, and the exit code is 3, "unknown" in the Nagios sense `status` follows,
 *   and "cannot be written" for `export`: whatever the command found, nobody
 *   got to read it. Nothing else is written after that line, so it is the one
 *   line;
 * - standard error failing: nowhere is left to say so; the exit code is 3,
 *   or the command's own for a closed pipe, as above.
 *
 * `setExitCode` is called at once, since a stream's error arrives
 * asynchronously and may come after the command has returned its code.
 */
export function guardStandardStreams(
  stdout: Writable,
  stderr: Writable,
  setExitCode: (code: ExitCode) => void,
): StandardStreams {
  let outOpen = true;
  let errOpen = true;
  let failed = false;
  let stop: (reason: string) => void = () => undefined;
  const lost = new Promise<string>((resolve) => {
    stop = resolve;
  });
  const fail = (): void => {
    failed = true;
    setExitCode(EXIT.unknown);
  };
  stdout.on('error', (error: unknown) => {
    if (!outOpen) return;
    outOpen = false;
    stop('standard output closed');
    if (isBrokenPipe(error)) return;
    fail();
    if (errOpen)
      stderr.write(`delegator-monitor: cannot write to standard output: ${escapeControls(errorText(error))}\n`);
    errOpen = false;
  });
  let errFailed = false;
  stderr.on('error', (error: unknown) => {
    // Only the first: a stream reports each write that fails after it.
    if (errFailed) return;
    errFailed = true;
    errOpen = false;
    stop('standard error closed');
    if (!isBrokenPipe(error)) fail();
  });
  return {
    out: (text) => {
      if (outOpen) stdout.write(text);
    },
    err: (text) => {
      if (errOpen) stderr.write(text);
    },
    lost,
    exitCode: (commandCode) => (failed ? EXIT.unknown : commandCode),
  };
}
