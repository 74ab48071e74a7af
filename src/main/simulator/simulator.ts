import { errorText } from '../../shared/errorText';
import { GLOBAL_TIMERS, SYSTEM_CLOCK, type Clock, type Timers } from '../core/time';
import type { DelegatorCommand } from '../../shared/commands';
import { AgentProcesses, type AgentProcessHost } from './agentProcesses';
import { Crew, type ModelHost } from './crew';
import type { DelegatorWriter } from './delegatorWriter';
import { SeededRandom } from './random';
import { pickTask, sessionIdFor, type SessionRow } from './sessionPlan';

export type { ModelHost } from './crew';

export interface SimulatorOptions {
  readonly writer: DelegatorWriter;
  readonly seed: number;
  /** How much faster than real life sessions come and go. Heartbeats keep real time. */
  readonly speed: number;
  readonly hostName: string;
  readonly clock?: Clock;
  readonly timers?: Timers;
  /** What the simulated delegator does, one line each, for a person watching. */
  readonly onActivity?: (line: string) => void;
  readonly onError?: (message: string) => void;
  /**
   * The agents' OS processes. By default each agent is a real child process,
   * launched as ECHO launches it; null runs none.
   */
  readonly processes?: AgentProcessHost | null;
  /** An Ollama the agents' models load into and are used in (the demo's stand-in); none by default. */
  readonly models?: ModelHost | null;
  /** How often running agents beat: every 5 s of real time by default, as ECHO's agents do, whatever the speed. */
  readonly heartbeatMs?: number;
}

export interface CommandAck {
  readonly ok: boolean;
  readonly error?: string;
}

interface Running {
  readonly row: SessionRow;
  readonly crew: Crew;
  readonly timers: unknown[];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HEARTBEAT_MS = 5 * SECOND;

/**
 * A reference delegator. One session at a time, as ECHO runs them: it starts,
 * spawns its category's agents one by one (each a process of its own, its model
 * loaded), beats their hearts, now and then loses one to a crash or ends in
 * error, and ends. Every write follows the contracts other programs rely on:
 * `delegator_sessions`, `agent_status`, the `agents` hash, the `events`
 * channel, and answers to `commands`.
 */
export class Simulator {
  private readonly random: SeededRandom;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly processes: AgentProcessHost | null;
  private session: Running | null = null;
  private nextSession: unknown = null;
  private heartbeat: unknown = null;
  private running = false;
  /** Every write goes through this chain, so steps never interleave. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SimulatorOptions) {
    this.random = new SeededRandom(options.seed);
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.timers = options.timers ?? GLOBAL_TIMERS;
    this.processes = options.processes === undefined ? new AgentProcesses() : options.processes;
  }

  start(firstSessionInMs = 2 * SECOND): void {
    if (this.running) return;
    this.running = true;
    this.scheduleSession(firstSessionInMs);
    this.beat();
  }

  /** Starts with a session already under way and all its agents spawned, for a first look that shows work. */
  async startWarm(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.beat();
    await this.step(() => this.beginSession(true));
  }

  /** Stops, ending the running session the way a delegator shutting down would, and every agent's process with it. */
  async stop(): Promise<void> {
    this.running = false;
    for (const handle of [this.nextSession, this.heartbeat]) if (handle !== null) this.timers.clearTimeout(handle);
    this.nextSession = this.heartbeat = null;
    try {
      await this.step(() => this.endSession('completed'));
    } finally {
      await this.step(async () => this.processes?.close());
    }
  }

  /** Crashes a running agent now, as the occasional random crash does; false when there is none by that role. */
  crash(role: string): Promise<boolean> {
    return this.step(async () => {
      const session = this.session;
      if (session?.crew.get(role)?.status !== 'running') return false;
      await this.crashAgent(session, role);
      return true;
    });
  }

  /** The delegator's answer to a command from `commands`. */
  handle(command: DelegatorCommand): Promise<CommandAck> {
    return this.step(async (): Promise<CommandAck> => {
      if (command.type === 'end_session') {
        if (this.session?.row.sessionId !== command.session_id) {
          return { ok: false, error: `no active session ${command.session_id ?? '(none given)'}` };
        }
        await this.endSession('completed');
        return { ok: true };
      }
      const agent = command.role === undefined ? undefined : this.session?.crew.get(command.role);
      if (!agent) return { ok: false, error: `no running agent ${command.role ?? '(none given)'}` };
      await this.stopAgent(agent.role);
      return { ok: true };
    });
  }

  /** The time a simulated span takes at this speed. */
  private scaled(ms: number): number {
    return Math.max(50, Math.round(ms / this.options.speed));
  }

  private step<T>(action: () => Promise<T>): Promise<T> {
    const result = this.chain.then(action);
    this.chain = result.catch((error: unknown) => {
      this.options.onError?.(errorText(error));
    });
    return result;
  }

  private later(ms: number, action: () => Promise<void>): unknown {
    return this.timers.setTimeout(() => {
      void this.step(action).catch(() => undefined);
    }, ms);
  }

  private scheduleSession(delayMs: number): void {
    if (!this.running) return;
    this.nextSession = this.later(delayMs, () => this.beginSession());
  }

  private beat(): void {
    if (!this.running) return;
    this.heartbeat = this.timers.setTimeout(() => {
      void this.step(() => this.sendHeartbeats()).catch(() => undefined);
      this.beat();
    }, this.options.heartbeatMs ?? HEARTBEAT_MS);
  }

  private iso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** Agents spawn a few seconds apart, as a delegator's do, unless `spawnAtOnce`. */
  private async beginSession(spawnAtOnce = false): Promise<void> {
    if (!this.running || this.session) return;
    const now = this.clock.now();
    const task = pickTask(this.random);
    const row: SessionRow = {
      sessionId: sessionIdFor(now, this.random),
      ...task,
      startedAt: now,
      endedAt: null,
      tasksDelegated: this.random.int(1, 9),
      status: 'active',
    };
    const crew = new Crew({
      sessionId: row.sessionId,
      writer: this.options.writer,
      processes: this.processes,
      models: this.options.models ?? null,
      hostName: this.options.hostName,
      clock: this.clock,
      onActivity: this.options.onActivity,
    });
    const session: Running = { row, crew, timers: [] };
    this.session = session;
    await this.options.writer.startSession(row, now);
    await this.options.writer.announce({ type: 'session_started', at: this.iso(), session_id: row.sessionId, category: row.category });
    this.options.onActivity?.(`session ${row.sessionId} started: ${row.category}, ${row.description}`);
    const lasts = this.scaled(this.random.between(2, 20) * MINUTE);
    for (const [index, role] of task.agents.entries()) {
      if (spawnAtOnce) await this.spawnAgent(session, role);
      else session.timers.push(this.later(this.scaled((index + 1) * this.random.between(3, 8) * SECOND), () => this.spawnAgent(session, role)));
      if (this.random.chance(0.05)) {
        session.timers.push(this.later(Math.round(lasts * this.random.between(0.4, 0.9)), () => this.crashAgent(session, role)));
      }
    }
    const outcome = this.random.chance(0.07) ? 'error' : 'completed';
    session.timers.push(this.later(lasts, () => this.endSession(outcome)));
  }

  private async spawnAgent(session: Running, role: string): Promise<void> {
    if (this.session !== session) return;
    await session.crew.spawn(role, (pid) => {
      // ECHO's delegator notices an agent's exit by itself; one nobody asked for is a crash.
      void this.step(() => this.crashAgent(session, role, pid)).catch(() => undefined);
    });
  }

  private async crashAgent(session: Running, role: string, pid?: number): Promise<void> {
    if (this.session !== session || !(await session.crew.crash(role, pid))) return;
    session.timers.push(this.later(this.scaled(20 * SECOND), () => this.stopAgent(role)));
  }

  private async stopAgent(role: string): Promise<void> {
    await this.session?.crew.stop(role);
  }

  private async endSession(status: 'completed' | 'error'): Promise<void> {
    const session = this.session;
    if (!session) return;
    for (const handle of session.timers) this.timers.clearTimeout(handle);
    for (const role of session.crew.roles()) await session.crew.stop(role);
    this.session = null;
    await this.options.writer.endSession(session.row.sessionId, status, this.clock.now());
    await this.options.writer.announce({ type: 'session_ended', at: this.iso(), session_id: session.row.sessionId, status });
    this.options.onActivity?.(`session ${session.row.sessionId} ended: ${status}`);
    this.scheduleSession(this.scaled(this.random.between(0.5, 3) * MINUTE));
  }

  private async sendHeartbeats(): Promise<void> {
    await this.session?.crew.beat();
  }
}
