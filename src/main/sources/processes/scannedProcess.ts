import type { EchoProcess } from '../../core/echoProcess';
import type { AgentProcess, ParentProcess } from '../../core/readings';
import type { ProcessStart } from './processStartTime';

/** One of ECHO's processes the scanner follows, as the last listing and measuring left it. */
export interface Tracked {
  readonly echo: EchoProcess;
  readonly uid: number | null;
  readonly uids: readonly number[] | null;
  readonly parent: ParentProcess | null;
  readonly launchedBy: AgentProcess['launchedBy'];
  readonly orphaned: boolean;
  model: Promise<string | null>;
  /** The model could not be read for want of a descriptor: read again at the next listing. */
  modelAgain: boolean;
  startedAt: number | null;
  /** Linux: the exact start, clock ticks after boot. */
  startTicks: number | null;
  measured: boolean;
}

/** What this machine's scan found of one process: enough to tell it from any later process given its pid. */
export interface ScannedProcess {
  readonly pid: number;
  readonly echo: EchoProcess;
  readonly uid: number | null;
  readonly uids: readonly number[] | null;
  readonly start: ProcessStart;
}

/** What the last listing found beyond the processes followed. */
export interface Census {
  readonly roots: readonly string[];
  readonly otherRoots: number;
  readonly otherUsers: number;
}
