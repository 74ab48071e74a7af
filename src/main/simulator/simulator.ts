import { errorText } from '../../shared/errorText';
import { defaultModelFor } from '../core/echoRoster';
import { GLOBAL_TIMERS, SYSTEM_CLOCK, type Clock, type Timers } from '../core/time';
import type { DelegatorCommand } from '../../shared/commands';
import type { DelegatorWriter, RegistryEntry } from './delegatorWriter';
import { SeededRandom } from './random';
import { pickTask, sessionIdFor, type SessionRow } from './sessionPlan';

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
}

export interface CommandAck {
  readonly ok: boolean;
  readonly error?: string;
}

interface Running {
  readonly row: SessionRow;
  readonly agents: Map<string, RegistryEntry>;
  readonly timers: unknown[];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HEARTBEAT_MS = 10 * SECOND;

/**
 * A reference delegator. One session at a time, as ECHO runs them: it starts,
 * spawns its category's agents one by one, beats their hearts, now and then
 * loses one to a crash or ends in error, and ends. Every write follows the
 * contracts other programs rely on: `delegator_sessions`, the `agents` hash,
 * the `events` channel, and answers to `commands`.
 */
export class Simulator {
  private readonly random: SeededRandom;
  private readonly clock: Clock;
  private readonly timers: Timers;
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

  /** Stops, ending the running session the way a delegator shutting down would. */
  async stop(): Promise<void> {
    this.running = false;
    for (const handle of [this.nextSession, this.heartbeat]) if (handle !== null) this.timers.clearTimeout(handle);
    this.nextSession = this.heartbeat = null;
    await this.step(() => this.endSession('completed'));
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
      const agent = command.role === undefined ? undefined : this.session?.agents.get(command.role);
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
    }, HEARTBEAT_MS);
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
    const session: Running = { row, agents: new Map(), timers: [] };
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
    const now = this.iso();
    const entry: RegistryEntry = {
      role,
      model: defaultModelFor(role),
      spawned_at: now,
      session_id: session.row.sessionId,
      host: this.options.hostName,
      status: 'running',
      last_heartbeat: now,
    };
    session.agents.set(role, entry);
    await this.options.writer.registerAgent(entry);
    await this.options.writer.addAgent(session.row.sessionId, role, this.clock.now());
    await this.options.writer.announce({ type: 'agent_spawned', at: now, role, model: entry.model, session_id: session.row.sessionId });
    this.options.onActivity?.(`${role} spawned (${entry.model})`);
  }

  private async crashAgent(session: Running, role: string): Promise<void> {
    const agent = session.agents.get(role);
    if (this.session !== session || !agent) return;
    const crashed: RegistryEntry = { ...agent, status: 'error' };
    session.agents.set(role, crashed);
    await this.options.writer.registerAgent(crashed);
    await this.options.writer.announce({ type: 'agent_crashed', at: this.iso(), role, error: 'model runner exited unexpectedly' });
    this.options.onActivity?.(`${role} crashed`);
    session.timers.push(this.later(this.scaled(20 * SECOND), () => this.stopAgent(role)));
  }

  private async stopAgent(role: string): Promise<void> {
    const session = this.session;
    if (!session?.agents.delete(role)) return;
    await this.options.writer.removeAgent(role);
    await this.options.writer.announce({ type: 'agent_stopped', at: this.iso(), role, session_id: session.row.sessionId });
    this.options.onActivity?.(`${role} stopped`);
  }

  private async endSession(status: 'completed' | 'error'): Promise<void> {
    const session = this.session;
    if (!session) return;
    for (const handle of session.timers) this.timers.clearTimeout(handle);
    for (const role of [...session.agents.keys()]) await this.stopAgent(role);
    this.session = null;
    await this.options.writer.endSession(session.row.sessionId, status, this.clock.now());
    await this.options.writer.announce({ type: 'session_ended', at: this.iso(), session_id: session.row.sessionId, status });
    this.options.onActivity?.(`session ${session.row.sessionId} ended: ${status}`);
    this.scheduleSession(this.scaled(this.random.between(0.5, 3) * MINUTE));
  }

  private async sendHeartbeats(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const now = this.iso();
    for (const [role, agent] of session.agents) {
      // A crashed agent has no heart to beat.
      if (agent.status === 'error') continue;
      const beating: RegistryEntry = { ...agent, last_heartbeat: now };
      session.agents.set(role, beating);
      await this.options.writer.registerAgent(beating);
    }
  }
}
