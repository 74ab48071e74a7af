import { z } from 'zod';
import type { ProcessFacts } from '../../core/echoProcess';
import type { WindowsProcessReader } from './windowsProcessTable';

/** One process of a listing. Details beyond pid, parent and executable are read only for the processes asked about. */
export interface ListedProcess extends ProcessFacts {
  readonly pid: number;
  /** The parent's pid; null where the platform does not say. */
  readonly ppid: number | null;
  /** The owner's user id; null on Windows, which has none. */
  readonly uid: number | null;
  /**
   * Linux: the real, effective, saved and filesystem user ids, all of which must be one user's for the process to be
   * that user's.
   */
  readonly uids?: readonly number[] | null;
  /** Linux: when it started, clock ticks after boot (stat's field 22); with the pid it names one process. */
  readonly startTicks?: number | null;
}

/** A listing's entry as it must be to be read: a listing injected in its place may give anything. */
export const listedProcessSchema = z.object({
  pid: z.number().int().positive(),
  ppid: z.number().int().nonnegative().nullable(),
  uid: z.number().int().nonnegative().nullable(),
  uids: z.array(z.number().int().nonnegative()).nullable().optional(),
  startTicks: z.number().int().nonnegative().nullable().optional(),
  executable: z.string().nullable(),
  argv: z.array(z.string()).nullable(),
  commandLine: z.string(),
  cwd: z.string().nullable(),
});

export interface ListingOptions {
  /** Whether a process with this executable needs its arguments and working directory (they cost a read each). */
  readonly details: (executable: string | null) => boolean;
  readonly platform?: NodeJS.Platform;
  /** Windows: the process table's reader (default: the monitor's one, which measuring shares). */
  readonly windows?: WindowsProcessReader;
  /** Windows: a table begun for this listing, not the poll's (Stop's look right before its signal). */
  readonly fresh?: boolean;
  /**
   * A listing that remembers what it read (Linux, macOS): read every process again, not only those it has not seen. A
   * pid given to another process since is only told this way, unless the pid is followed (see `recheck`).
   */
  readonly reread?: boolean;
  /** A listing that remembers what it read: these pids are read again (measured with another start since, say). */
  readonly recheck?: readonly number[];
}
