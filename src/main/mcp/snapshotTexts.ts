import type { Snapshot } from '../../shared/model';

/**
 * How a snapshot reads as text: the command line's own renderings, which a
 * tool quotes rather than words again, so `status` and a model's answer say
 * the same thing. The host hands them in: this layer may not import the
 * command line, which imports it.
 */
export interface SnapshotTexts {
  /** Each source's state, this machine, RAM and GPU: `status`'s header block. */
  readonly header: (snapshot: Snapshot) => string;
  /** The agents' title line, table, legend and notes. */
  readonly agents: (snapshot: Snapshot) => readonly string[];
  /** The active sessions and the day's figures. */
  readonly sessions: (snapshot: Snapshot) => readonly string[];
  /** ECHO's open decisions and workflows, then its newest messages. */
  readonly work: (snapshot: Snapshot) => readonly string[];
}
