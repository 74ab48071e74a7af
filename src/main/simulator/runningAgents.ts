import { agentWorkFor, type AgentWork } from './agentWork';
import { describeForm, planStandingCrew, type CrewMember } from './crewPlan';
import { HeartbeatLoop } from './heartbeatLoop';
import { MINUTE, scaled, type CommandAck, type EchoContext, type SimulatedEcho } from './simulatedEcho';
import { Steps } from './steps';

interface Member extends CrewMember {
  /** Whether its process runs, and so its heart beats. */
  up: boolean;
  pid: number | undefined;
}

const SECOND = 1000;

/** What this mode answers a command from our registry's channel, which no ECHO listens on. */
export const NO_REGISTRY =
  'ECHO as it runs has no delegator registry and takes no commands; simulate with sessions for them';

/**
 * ECHO as it runs (ECHO.md): a crew of agents a user started, in the forms
 * users start them, kept running. Each running agent upserts its
 * `agent_status` row every 5 s with status `running`; nothing else is
 * written: no session rows (ECHO keeps sessions in the delegator's memory),
 * no registry. Now and then one crashes: its row is not touched again and
 * goes stale, as nobody in ECHO notices, until it is started again (a person,
 * or a restart loop), with a new pid, and beats again.
 */
export class RunningAgents implements SimulatedEcho {
  private readonly steps: Steps;
  private readonly heartbeats: HeartbeatLoop;
  private readonly crew: Member[];
  private readonly work: AgentWork | null;
  private readonly pending = new Set<unknown>();
  private running = false;

  constructor(private readonly context: EchoContext) {
    this.steps = new Steps({ timers: context.timers, log: context.log, isRunning: () => this.running });
    this.crew = planStandingCrew(context.random).map((member) => ({ ...member, up: false, pid: undefined }));
    this.heartbeats = new HeartbeatLoop({
      timers: context.timers,
      steps: this.steps,
      intervalMs: context.heartbeatMs,
      beat: () => this.beat(),
      log: context.log,
    });
    this.work = agentWorkFor(
      context,
      this.steps,
      () => this.crew.filter((member) => member.up).map((member) => member.role),
      () => this.running,
    );
  }

  /** Its agents, each started a second or few after the one before. */
  start(firstInMs: number): void {
    if (this.running) return;
    this.running = true;
    this.heartbeats.start();
    let at = firstInMs;
    for (const member of this.crew) {
      this.later(at, `starting ${member.role}`, () => this.launch(member));
      at += this.scaled(this.context.random.between(1, 4) * SECOND);
    }
    this.scheduleCrash();
    this.work?.start();
  }

  /** Every agent already started. */
  async startWarm(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.heartbeats.start();
    for (const member of this.crew) await this.steps.persist(`starting ${member.role}`, () => this.launch(member));
    this.scheduleCrash();
    await this.work?.warm();
    this.work?.start();
  }

  /** Ends every agent's process; their rows are left as ECHO leaves them, `running`, to go stale. */
  async stop(): Promise<void> {
    this.running = false;
    for (const handle of this.pending) this.context.timers.clearTimeout(handle);
    this.pending.clear();
    this.work?.stop();
    this.heartbeats.stop();
    this.steps.cancelRetries();
    await this.steps.run(async () => {
      await this.context.processes?.close();
      for (const member of this.crew) {
        member.up = false;
        member.pid = undefined;
      }
    });
  }

  crash(role: string): Promise<boolean> {
    return this.steps.persist(`crashing ${role}`, () => this.crashMember(role));
  }

  handle(): Promise<CommandAck> {
    return Promise.resolve({ ok: false, error: NO_REGISTRY });
  }

  private scaled(ms: number): number {
    return scaled(ms, this.context.speed);
  }

  /** A step for later, tried until done; nothing runs once stopped. */
  private later(ms: number, what: string, action: () => Promise<unknown>): void {
    const handle = this.context.timers.setTimeout(() => {
      this.pending.delete(handle);
      if (this.running) this.steps.persist(what, action).catch(() => undefined);
    }, ms);
    this.pending.add(handle);
  }

  /**
   * Starts its process, then its first heartbeat, at once as ECHO's
   * HeartbeatWorker sends it. Run again after the heartbeat failed, it starts
   * nothing new.
   */
  private async launch(member: Member): Promise<void> {
    if (!this.running) return;
    if (!member.up) {
      const pid = await this.context.processes?.launch({ role: member.role, form: member.form }, (exitPid) => {
        // In turn with the other steps, so a launch or crash under way settles first.
        this.steps
          .run(() => {
            this.exitedBySelf(member, exitPid);
            return Promise.resolve();
          })
          .catch(() => undefined);
      });
      member.up = true;
      member.pid = pid;
      this.context.onActivity?.(
        `${member.role} started (${describeForm(member)}${pid === undefined ? '' : `, pid ${String(pid)}`})`,
      );
    }
    await this.context.writer.heartbeat(member.role, this.context.clock.now());
    // It reads what waited for it while it was down (a catch-up plans no message twice).
    this.work?.agentUp(member.role);
  }

  private async beat(): Promise<void> {
    const now = this.context.clock.now();
    for (const member of this.crew) if (member.up) await this.context.writer.heartbeat(member.role, now);
  }

  /** Killed outright; its row is left to go stale, and it is started again a while later. */
  private async crashMember(role: string): Promise<boolean> {
    const member = this.crew.find((candidate) => candidate.role === role);
    if (!member?.up) return false;
    await this.context.processes?.kill(role);
    this.down(member, 'crashed');
    return true;
  }

  /** An agent whose process ended without being asked (killed from outside) is down the same way. */
  private exitedBySelf(member: Member, pid: number): void {
    if (member.up && member.pid === pid) this.down(member, 'exited');
  }

  private down(member: Member, how: string): void {
    const pid = member.pid;
    member.up = false;
    member.pid = undefined;
    this.context.onActivity?.(
      `${member.role} ${how}${pid === undefined ? '' : ` (pid ${String(pid)})`}: its agent_status row stays running and goes stale`,
    );
    this.later(this.scaled(this.context.random.between(0.5, 2) * MINUTE), `restarting ${member.role}`, () =>
      this.launch(member),
    );
  }

  /** Every 5 to 20 minutes (simulated), one running agent crashes. */
  private scheduleCrash(): void {
    if (!this.running) return;
    const delay = this.scaled(this.context.random.between(5, 20) * MINUTE);
    const handle = this.context.timers.setTimeout(() => {
      this.pending.delete(handle);
      if (!this.running) return;
      const up = this.crew.filter((member) => member.up);
      if (up.length > 0) {
        const victim = this.context.random.pick(up);
        this.steps.persist(`crashing ${victim.role}`, () => this.crashMember(victim.role)).catch(() => undefined);
      }
      this.scheduleCrash();
    }, delay);
    this.pending.add(handle);
  }
}
