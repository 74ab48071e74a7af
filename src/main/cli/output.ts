import type { Writable } from 'node:stream';

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
