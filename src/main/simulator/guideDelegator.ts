import type { DelegatorCommand } from '../../shared/commands';
import { agentWorkFor, type AgentWork } from './agentWork';
import { Crew } from './crew';
import { HeartbeatLoop } from './heartbeatLoop';
import { pickTask, sessionIdFor, type SessionRow } from './sessionPlan';
import { MINUTE, scaled, type CommandAck, type EchoContext, type SimulatedEcho } from './simulatedEcho';
import { Steps } from './steps';

interface Running {
  readonly row: SessionRow;
  readonly crew: Crew;
  readonly timers: unknown[];
  /** Set once its end has begun: nothing more spawns into it, even while the end is tried again. */
  ending: boolean;
}

type Decision = { readonly what: string; readonly act: () => Promise<void> } | { readonly refusal: string };

const SECOND = 1000;

/**
 * The guide-integrated ECHO: a delegator that persists its sessions (the seed
 * guide's Part 2) and publishes our registry. One session at a time: it
 * starts, spawns its category's agents one by one (each a process of its own,
 * its model loaded), beats their hearts, now and then loses one to a crash or
 * ends in error, and ends. Every write follows the contracts other programs
 * rely on: `delegator_sessions`, `agent_status`, the `agents` hash, the
 * `events` channel, and answers to `commands`.
 *
 * A step whose writes fail is tried again until they succeed (`Steps`): each
 * write is idempotent, and the state here moves on only once a step's writes
 * are done, so a step can be run again from the start.
 */
export class GuideDelegator implements SimulatedEcho {
  private readonly steps: Steps;
  private readonly heartbeats: HeartbeatLoop;
  private readonly work: AgentWork | null;
  private session: Running | null = null;
  private nextSession: unknown = null;
  private running = false;

  constructor(private readonly context: EchoContext) {
    this.steps = new Steps({ timers: context.timers, log: context.log, isRunning: () => this.running });
    this.heartbeats = new HeartbeatLoop({
      timers: context.timers,
      steps: this.steps,
      intervalMs: context.heartbeatMs,
      beat: async () => this.session?.crew.beat(),
      log: context.log,
    });
    this.work = agentWorkFor(
      context,
      this.steps,
      () => this.workingRoles(),
      () => this.running,
    );
  }

  /** The running session's agents that run: they are the ones the delegator hands work. */
  private workingRoles(): string[] {
    const session = this.session;
    if (!session || session.ending) return [];
    return session.crew.roles().filter((role) => session.crew.get(role)?.status === 'running');
  }

  start(firstSessionInMs: number): void {
    if (this.running) return;
    this.running = true;
    this.scheduleSession(firstSessionInMs);
    this.heartbeats.start();
    this.work?.start();
  }

  /** Starts with a session already under way and all its agents spawned. */
  async startWarm(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.heartbeats.start();
    const session = this.planSession();
    await this.steps.persist(`starting session ${session.row.sessionId}`, () => this.openSession(session, true));
    for (const role of session.row.agents) {
      await this.steps.persist(`spawning ${role}`, () => this.spawnAgent(session, role));
    }
    await this.work?.warm();
    this.work?.start();
  }

  /** Stops, ending the running session the way a delegator shutting down would, and every agent's process with it. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.nextSession !== null) this.context.timers.clearTimeout(this.nextSession);
    this.nextSession = null;
    this.heartbeats.stop();
    this.work?.stop();
    this.steps.cancelRetries();
    try {
      await this.steps.run(async () => {
        if (this.session) await this.endSession(this.session, 'completed');
      });
    } finally {
      await this.steps.run(async () => this.context.processes?.close());
    }
  }

  crash(role: string): Promise<boolean> {
    return this.steps.persist(`crashing ${role}`, async () => {
      const session = this.session;
      return session !== null && (await this.crashAgent(session, role));
    });
  }

  /** What it agrees to do is tried until done. */
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
      if (!session || session.row.sessionId !== command.session_id)
        return { refusal: `no active session ${command.session_id ?? '(none given)'}` };
      return { what: `ending session ${session.row.sessionId}`, act: () => this.endSession(session, 'completed') };
    }
    const agent = command.role === undefined ? undefined : session?.crew.get(command.role);
    if (!session || !agent) return { refusal: `no running agent ${command.role ?? '(none given)'}` };
    return { what: `stopping ${agent.role}`, act: () => this.stopAgent(session, agent.role) };
  }

  private scaled(ms: number): number {
    return scaled(ms, this.context.speed);
  }

  /** A step for later, tried until done; nothing runs once the simulator has stopped. */
  private later(ms: number, what: string, action: () => Promise<void>): unknown {
    return this.context.timers.setTimeout(() => {
      if (this.running) this.steps.persist(what, action).catch(() => undefined);
    }, ms);
  }

  private scheduleSession(delayMs: number): void {
    if (!this.running) return;
    this.nextSession = this.context.timers.setTimeout(() => {
      this.nextSession = null;
      if (!this.running) return;
      // Drawn once, so a start tried again writes the same session rather than leave a first one open.
      const session = this.planSession();
      this.steps
        .persist(`starting session ${session.row.sessionId}`, () => this.openSession(session))
        .catch(() => undefined);
    }, delayMs);
  }

  private iso(): string {
    return new Date(this.context.clock.now()).toISOString();
  }

  /** The next session's row and crew, not yet written. */
  private planSession(): Running {
    const { random, clock } = this.context;
    const now = clock.now();
    const task = pickTask(random);
    const row: SessionRow = {
      sessionId: sessionIdFor(now, random),
      ...task,
      startedAt: now,
      endedAt: null,
      tasksDelegated: random.int(1, 9),
      status: 'active',
    };
    const crew = new Crew({
      sessionId: row.sessionId,
      writer: this.context.writer,
      processes: this.context.processes,
      models: this.context.models,
      hostName: this.context.hostName,
      clock,
      onActivity: this.context.onActivity,
    });
    return { row, crew, timers: [], ending: false };
  }

  /** Writes the session's start, then plans its course: agents spawn a few seconds apart unless `spawnedByCaller`. */
  private async openSession(session: Running, spawnedByCaller = false): Promise<void> {
    if (!this.running || this.session) return;
    const { row } = session;
    const { writer, random } = this.context;
    await writer.startSession(row, row.startedAt);
    await writer.announce({
      type: 'session_started',
      at: this.iso(),
      session_id: row.sessionId,
      category: row.category,
    });
    this.context.onActivity?.(`session ${row.sessionId} started: ${row.category}, ${row.description}`);
    this.session = session;
    const lasts = this.scaled(random.between(2, 20) * MINUTE);
    for (const [index, role] of row.agents.entries()) {
      if (!spawnedByCaller) {
        const spawnIn = this.scaled((index + 1) * random.between(3, 8) * SECOND);
        session.timers.push(this.later(spawnIn, `spawning ${role}`, () => this.spawnAgent(session, role)));
      }
      if (random.chance(0.05)) {
        const crashIn = Math.round(lasts * random.between(0.4, 0.9));
        session.timers.push(
          this.later(crashIn, `crashing ${role}`, async () => {
            await this.crashAgent(session, role);
          }),
        );
      }
    }
    const outcome = random.chance(0.07) ? 'error' : 'completed';
    session.timers.push(this.later(lasts, `ending session ${row.sessionId}`, () => this.endSession(session, outcome)));
  }

  private async spawnAgent(session: Running, role: string): Promise<void> {
    if (this.session !== session || session.ending) return;
    await session.crew.spawn(role, (pid) => {
      // This delegator notices an agent's exit by itself; one nobody asked for is a crash.
      this.steps.persist(`noting ${role}'s crash`, () => this.crashAgent(session, role, pid)).catch(() => undefined);
    });
    // It reads what waited for its role (a catch-up plans no message twice).
    this.work?.agentUp(role);
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
    for (const handle of session.timers) this.context.timers.clearTimeout(handle);
    for (const role of session.crew.roles()) await session.crew.stop(role);
    await this.context.writer.endSession(session.row.sessionId, status, this.context.clock.now());
    await this.context.writer.announce({
      type: 'session_ended',
      at: this.iso(),
      session_id: session.row.sessionId,
      status,
    });
    this.session = null;
    this.context.onActivity?.(`session ${session.row.sessionId} ended: ${status}`);
    this.scheduleSession(this.scaled(this.context.random.between(0.5, 3) * MINUTE));
  }
}
