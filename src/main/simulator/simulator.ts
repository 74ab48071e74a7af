import { errorText } from '../../shared/errorText';
import { GLOBAL_TIMERS, SYSTEM_CLOCK, type Clock, type Timers } from '../core/time';
import type { DelegatorCommand } from '../../shared/commands';
import { AgentProcesses, type AgentProcessHost } from './agentProcesses';
import { Crew, type ModelHost } from './crew';
import type { DelegatorWriter } from './delegatorWriter';
import { SeededRandom } from './random';
import { pickTask, sessionIdFor, type SessionRow } from './sessionPlan';
import { Steps } from './steps';

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
  /** Set once its end has begun: nothing more spawns into it, even while the end is tried again. */
  ending: boolean;
}

type Decision = { readonly what: string; readonly act: () => Promise<void> } | { readonly refusal: string };

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
 *
 * A step whose writes fail is tried again until they succeed (`Steps`): each
 * write is idempotent, and the simulator's own state moves on only once a
 * step's writes are done, so a step can be run again from the start.
 */
export class Simulator {
  private readonly random: SeededRandom;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly processes: AgentProcessHost | null;
  private readonly steps: Steps;
  private session: Running | null = null;
  private nextSession: unknown = null;
  private heartbeat: unknown = null;
  private running = false;
  /** A beat still waiting on a stalled server is not joined by more: the one after it carries the news. */
  private beating = false;
  private heartbeatsFailing = false;

  constructor(private readonly options: SimulatorOptions) {
    this.random = new SeededRandom(options.seed);
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.timers = options.timers ?? GLOBAL_TIMERS;
    this.processes = options.processes === undefined ? new AgentProcesses() : options.processes;
    this.steps = new Steps({ timers: this.timers, onError: options.onError, isRunning: () => this.running });
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
    const session = this.planSession();
    await this.steps.persist(`starting session ${session.row.sessionId}`, () => this.openSession(session, true));
    for (const role of session.row.agents) {
      await this.steps.persist(`spawning ${role}`, () => this.spawnAgent(session, role));
    }
  }

  /** Stops, ending the running session the way a delegator shutting down would, and every agent's process with it. */
  async stop(): Promise<void> {
    this.running = false;
    for (const handle of [this.nextSession, this.heartbeat]) if (handle !== null) this.timers.clearTimeout(handle);
    this.nextSession = this.heartbeat = null;
    this.steps.cancelRetries();
    try {
      await this.steps.run(async () => {
        if (this.session) await this.endSession(this.session, 'completed');
      });
    } finally {
      await this.steps.run(async () => this.processes?.close());
    }
  }

  /** Crashes a running agent now, as the occasional random crash does; false when there is none by that role. */
  crash(role: string): Promise<boolean> {
    return this.steps.persist(`crashing ${role}`, async () => {
      const session = this.session;
      return session !== null && (await this.crashAgent(session, role));
    });
  }

  /** The delegator's answer to a command from `commands`; what it agrees to do is tried until done. */
  async handle(command: DelegatorCommand): Promise<CommandAck> {
    // Decided in turn with every other step, on the state they leave.
    const decision = await this.steps.run(() => Promise.resolve(this.decide(command)));
    if ('refusal' in decision) return { ok: false, error: decision.refusal };
    await this.steps.persist(decision.what, decision.act);
    return { ok: true };
  }

  private decide(command: DelegatorCommand): Decision {
    const session = this.session;
    if (command.type === 'end_session') {
      if (!session || session.row.sessionId !== command.session_id) return { refusal: `no active session ${command.session_id ?? '(none given)'}` };
      return { what: `ending session ${session.row.sessionId}`, act: () => this.endSession(session, 'completed') };
    }
    const agent = command.role === undefined ? undefined : session?.crew.get(command.role);
    if (!session || !agent) return { refusal: `no running agent ${command.role ?? '(none given)'}` };
    return { what: `stopping ${agent.role}`, act: () => this.stopAgent(session, agent.role) };
  }

  /** The time a simulated span takes at this speed. */
  private scaled(ms: number): number {
    return Math.max(50, Math.round(ms / this.options.speed));
  }

  /** A step for later, tried until done; nothing runs once the simulator has stopped. */
  private later(ms: number, what: string, action: () => Promise<void>): unknown {
    return this.timers.setTimeout(() => {
      if (this.running) this.steps.persist(what, action).catch(() => undefined);
    }, ms);
  }

  private scheduleSession(delayMs: number): void {
    if (!this.running) return;
    this.nextSession = this.timers.setTimeout(() => {
      this.nextSession = null;
      if (!this.running) return;
      // Drawn once, so a start tried again writes the same session rather than leave a first one open.
      const session = this.planSession();
      this.steps.persist(`starting session ${session.row.sessionId}`, () => this.openSession(session)).catch(() => undefined);
    }, delayMs);
  }

  private beat(): void {
    if (!this.running) return;
    this.heartbeat = this.timers.setTimeout(() => {
      if (!this.beating) {
        this.beating = true;
        this.steps
          .run(() => this.sendHeartbeats())
          .then(
            () => {
              this.heartbeatsFailing = false;
            },
            (error: unknown) => {
              // Said once while they fail; the next beat is the retry.
              if (!this.heartbeatsFailing) this.options.onError?.(`heartbeats failed, tried again at each beat: ${errorText(error)}`);
              this.heartbeatsFailing = true;
            },
          )
          .finally(() => {
            this.beating = false;
          });
      }
      this.beat();
    }, this.options.heartbeatMs ?? HEARTBEAT_MS);
  }

  private iso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** The next session's row and crew, not yet written. */
  private planSession(): Running {
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
    return { row, crew, timers: [], ending: false };
  }

  /** Writes the session's start, then plans its course: agents spawn a few seconds apart unless `spawnedByCaller`. */
  private async openSession(session: Running, spawnedByCaller = false): Promise<void> {
    if (!this.running || this.session) return;
    const { row } = session;
    await this.options.writer.startSession(row, row.startedAt);
    await this.options.writer.announce({ type: 'session_started', at: this.iso(), session_id: row.sessionId, category: row.category });
    this.options.onActivity?.(`session ${row.sessionId} started: ${row.category}, ${row.description}`);
    this.session = session;
    const lasts = this.scaled(this.random.between(2, 20) * MINUTE);
    for (const [index, role] of row.agents.entries()) {
      if (!spawnedByCaller) {
        const spawnIn = this.scaled((index + 1) * this.random.between(3, 8) * SECOND);
        session.timers.push(this.later(spawnIn, `spawning ${role}`, () => this.spawnAgent(session, role)));
      }
      if (this.random.chance(0.05)) {
        const crashIn = Math.round(lasts * this.random.between(0.4, 0.9));
        session.timers.push(
          this.later(crashIn, `crashing ${role}`, async () => {
            await this.crashAgent(session, role);
          }),
        );
      }
    }
    const outcome = this.random.chance(0.07) ? 'error' : 'completed';
    session.timers.push(this.later(lasts, `ending session ${row.sessionId}`, () => this.endSession(session, outcome)));
  }

  private async spawnAgent(session: Running, role: string): Promise<void> {
    if (this.session !== session || session.ending) return;
    await session.crew.spawn(role, (pid) => {
      // ECHO's delegator notices an agent's exit by itself; one nobody asked for is a crash.
      this.steps.persist(`noting ${role}'s crash`, () => this.crashAgent(session, role, pid)).catch(() => undefined);
    });
  }

  private async crashAgent(session: Running, role: string, pid?: number): Promise<boolean> {
    if (this.session !== session || !(await session.crew.crash(role, pid))) return false;
    session.timers.push(this.later(this.scaled(20 * SECOND), `removing ${role}`, () => this.stopAgent(session, role)));
    return true;
  }

  private async stopAgent(session: Running, role: string): Promise<void> {
    if (this.session === session) await session.crew.stop(role);
  }

  /** Ends its agents, then the session; it is over, and the next one planned, only once all of that is written. */
  private async endSession(session: Running, status: 'completed' | 'error'): Promise<void> {
    if (this.session !== session) return;
    session.ending = true;
    for (const handle of session.timers) this.timers.clearTimeout(handle);
    for (const role of session.crew.roles()) await session.crew.stop(role);
    await this.options.writer.endSession(session.row.sessionId, status, this.clock.now());
    await this.options.writer.announce({ type: 'session_ended', at: this.iso(), session_id: session.row.sessionId, status });
    this.session = null;
    this.options.onActivity?.(`session ${session.row.sessionId} ended: ${status}`);
    this.scheduleSession(this.scaled(this.random.between(0.5, 3) * MINUTE));
  }

  private async sendHeartbeats(): Promise<void> {
    await this.session?.crew.beat();
  }
}
