import type { DelegatorCommand } from '../../shared/commands';
import { SILENT_LOGGER, type Logger } from '../core/logger';
import { GLOBAL_TIMERS, SYSTEM_CLOCK, type Clock, type Timers } from '../core/time';
import { AgentProcesses, type AgentProcessHost, type AgentRuntime } from './agentSpawner';
import type { ModelHost } from './crew';
import type { DelegatorWriter } from './delegatorWriter';
import { GuideDelegator } from './guideDelegator';
import { HEARTBEAT_MS } from './heartbeatLoop';
import { SeededRandom } from './random';
import { RunningAgents } from './runningAgents';
import type { CommandAck, SimulatedEcho } from './simulatedEcho';
import type { WorkWriter } from './workWriter';

export type { ModelHost } from './crew';
export type { CommandAck } from './simulatedEcho';

/**
 * - `as-it-runs`: ECHO as it really runs (ECHO.md): agents started by their
 *   users, heartbeats in `agent_status`, and nothing else: no session rows,
 *   no registry, no commands.
 * - `sessions`: the guide-integrated ECHO, whose delegator persists its
 *   sessions (the seed guide's Part 2), spawns its agents, and publishes our
 *   registry and answers its commands.
 */
export type SimulatorMode = 'as-it-runs' | 'sessions';

/** One line for a person: what the simulator is being. */
export function describeMode(mode: SimulatorMode): string {
  return mode === 'as-it-runs'
    ? 'ECHO as it runs: agents beat in agent_status, no sessions are written'
    : "a guide-integrated ECHO: its delegator writes sessions (the seed guide's Part 2), and our registry where there is a Redis";
}

/** One line for a person: what the agents' processes are. */
export function describeRuntime(runtime: AgentRuntime): string {
  return runtime.vm === 'erlang'
    ? `agents are Erlang VMs (${runtime.executables.join(', ')}) running escripts`
    : `agents are Node stand-ins (${runtime.executables.join(', ')}): no escript on PATH`;
}

export interface SimulatorOptions {
  readonly writer: DelegatorWriter;
  readonly seed: number;
  /** `as-it-runs` by default. */
  readonly mode?: SimulatorMode;
  /** How much faster than real life sessions, crashes and restarts come and go. Heartbeats keep real time. */
  readonly speed: number;
  readonly hostName: string;
  readonly clock?: Clock;
  readonly timers?: Timers;
  /** What the simulated ECHO does, one line each, for a person watching. */
  readonly onActivity?: (line: string) => void;
  /** Where failed writes are told (a warning while tried again); none by default. */
  readonly log?: Logger;
  /**
   * The agents' OS processes. By default each agent is a real process: an
   * Erlang VM running an escript where Erlang is installed, else a Node
   * stand-in. Null runs none.
   */
  readonly processes?: AgentProcessHost | null;
  /**
   * An Ollama the agents' models load into and are used in (the demo's
   * stand-in); none by default. Used in `sessions` mode, where agents have
   * work; ECHO's idle agents ask nothing of Ollama.
   */
  readonly models?: ModelHost | null;
  /** How often running agents beat: every 5 s of real time by default, as ECHO's agents do, whatever the speed. */
  readonly heartbeatMs?: number;
  /**
   * Where ECHO records its agents' work, and the channels it publishes on:
   * with it, the agents take tasks from the delegator, read and answer
   * messages, call their models, vote on decisions and run workflows, as
   * ECHO writes them. None by default.
   */
  readonly work?: WorkWriter | null;
}

/** Mixed into the seed for the work's own stream. */
const WORK_STREAM = 0x776f726b;

/**
 * A reference ECHO, in one of two modes (`SimulatorMode`). Every write
 * follows the contracts other programs rely on, and a step whose writes fail
 * is tried again until it succeeds.
 */
export class Simulator {
  readonly mode: SimulatorMode;
  private readonly processes: AgentProcessHost | null;
  private readonly echo: SimulatedEcho;

  constructor(options: SimulatorOptions) {
    this.mode = options.mode ?? 'as-it-runs';
    this.processes = options.processes === undefined ? new AgentProcesses() : options.processes;
    const context = {
      writer: options.writer,
      random: new SeededRandom(options.seed),
      work: options.work ?? null,
      workRandom: new SeededRandom(options.seed ^ WORK_STREAM),
      clock: options.clock ?? SYSTEM_CLOCK,
      timers: options.timers ?? GLOBAL_TIMERS,
      processes: this.processes,
      models: options.models ?? null,
      speed: options.speed,
      hostName: options.hostName,
      heartbeatMs: options.heartbeatMs ?? HEARTBEAT_MS,
      onActivity: options.onActivity,
      log: options.log ?? SILENT_LOGGER,
    };
    this.echo = this.mode === 'sessions' ? new GuideDelegator(context) : new RunningAgents(context);
  }

  start(firstInMs = 2000): void {
    this.echo.start(firstInMs);
  }

  /** Starts with work under way: a session with its agents spawned, or the crew of agents started. */
  startWarm(): Promise<void> {
    return this.echo.startWarm();
  }

  /** Stops, ending every agent's process (by pid) and, in `sessions` mode, the running session. */
  stop(): Promise<void> {
    return this.echo.stop();
  }

  /** Crashes a running agent now, as the occasional random crash does; false when there is none by that role. */
  crash(role: string): Promise<boolean> {
    return this.echo.crash(role);
  }

  /** The answer to a command from our registry's `commands` channel; refused in `as-it-runs` mode. */
  handle(command: DelegatorCommand): Promise<CommandAck> {
    return this.echo.handle(command);
  }

  /** What runs the agents' processes; null when there are none. */
  async agentRuntime(): Promise<AgentRuntime | null> {
    return this.processes ? this.processes.runtime() : null;
  }
}
