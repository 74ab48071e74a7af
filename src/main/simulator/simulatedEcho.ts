import type { DelegatorCommand } from '../../shared/commands';
import type { Logger } from '../core/logger';
import type { Clock, Timers } from '../core/time';
import type { AgentProcessHost } from './agentSpawner';
import type { ModelHost } from './crew';
import type { DelegatorWriter } from './delegatorWriter';
import type { SeededRandom } from './random';
import type { WorkWriter } from './workWriter';

export interface CommandAck {
  readonly ok: boolean;
  readonly error?: string;
}

/** One way of being ECHO: what the simulator runs, in one mode or the other. */
export interface SimulatedEcho {
  start(firstInMs: number): void;
  /** Starts with work already under way, for a first look that shows it. */
  startWarm(): Promise<void>;
  /** Stops, ending every agent's process. */
  stop(): Promise<void>;
  /** Crashes a running agent now; false when there is none by that role. */
  crash(role: string): Promise<boolean>;
  /** The answer to a command from our registry's `commands` channel. */
  handle(command: DelegatorCommand): Promise<CommandAck>;
}

/** What either mode is given by the simulator. */
export interface EchoContext {
  readonly writer: DelegatorWriter;
  readonly random: SeededRandom;
  /** ECHO's records of its agents' work (messages, decisions, model sessions, workflows); null writes none. */
  readonly work: WorkWriter | null;
  /** The work's own stream, so that it never changes the crews, sessions and crashes a seed gives. */
  readonly workRandom: SeededRandom;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly processes: AgentProcessHost | null;
  readonly models: ModelHost | null;
  readonly speed: number;
  readonly hostName: string;
  readonly heartbeatMs: number;
  readonly onActivity?: ((line: string) => void) | undefined;
  readonly log: Logger;
}

const SECOND = 1000;
export const MINUTE = 60 * SECOND;

/** The time a simulated span takes at this speed. */
export function scaled(ms: number, speed: number): number {
  return Math.max(50, Math.round(ms / speed));
}
