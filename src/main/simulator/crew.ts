import { defaultModelFor } from '../core/echoRoster';
import type { Clock } from '../core/time';
import type { AgentProcessHost } from './agentSpawner';
import type { DelegatorWriter, RegistryEntry } from './delegatorWriter';

/** What the simulator asks of an Ollama: each request to a model loads it or keeps it loaded. */
export interface ModelHost {
  use(model: string): void;
}

export interface CrewOptions {
  readonly sessionId: string;
  readonly writer: DelegatorWriter;
  readonly processes: AgentProcessHost | null;
  readonly models: ModelHost | null;
  readonly hostName: string;
  readonly clock: Clock;
  readonly onActivity?: (line: string) => void;
}

/**
 * One session's agents as the world sees them: each one's OS process, its
 * model in Ollama, its `agent_status` row, its registry entry and its
 * announcements, and the session row's agent list. The simulator decides when;
 * this does what a spawn, a heartbeat, a crash and a stop leave behind.
 */
export class Crew {
  private readonly agents = new Map<string, RegistryEntry>();

  constructor(private readonly options: CrewOptions) {}

  get(role: string): RegistryEntry | undefined {
    return this.agents.get(role);
  }

  roles(): string[] {
    return [...this.agents.keys()];
  }

  /**
   * `onUnexpectedExit` hears of the process ending by itself, which ECHO's
   * delegator notices as a crash. Called again after a write failed, it
   * launches nothing new and only writes again what a spawn leaves behind.
   */
  async spawn(role: string, onUnexpectedExit: (pid: number) => void): Promise<void> {
    const { writer, sessionId } = this.options;
    let entry = this.agents.get(role);
    if (entry === undefined) {
      const model = defaultModelFor(role);
      // Spawned as a delegator that can spawn starts its agents: `--autonomous`, with the model it chose.
      const pid = await this.options.processes?.launch({ role, form: 'spawned', model }, onUnexpectedExit);
      const at = new Date(this.options.clock.now()).toISOString();
      entry = {
        role,
        model,
        spawned_at: at,
        session_id: sessionId,
        host: this.options.hostName,
        status: 'running',
        last_heartbeat: at,
        ...(pid === undefined ? {} : { pid }),
      };
      this.agents.set(role, entry);
      // The agent's first request loads its model.
      this.options.models?.use(model);
    } else if (entry.status !== 'running') {
      // It crashed before its spawn was all written: the crash says the rest.
      return;
    }
    const now = this.options.clock.now();
    // The agent's first heartbeat, at its start, as ECHO's HeartbeatWorker sends it.
    await writer.heartbeat(role, now);
    await writer.registerAgent(entry);
    await writer.addAgent(sessionId, role, now);
    await writer.announce({
      type: 'agent_spawned',
      at: entry.spawned_at,
      role,
      model: entry.model,
      session_id: sessionId,
    });
    this.options.onActivity?.(
      `${role} spawned (${entry.model}${entry.pid === undefined ? '' : `, pid ${String(entry.pid)}`})`,
    );
  }

  /**
   * Its process killed (if it was not already gone), its registry entry
   * `error`, no more heartbeats: its `agent_status` row stays `running` and
   * goes stale, as a crashed ECHO agent's does. Null when no running agent
   * of that role is here, or when `pid` names an earlier process of the
   * role. It counts as crashed only once all is written, so a crash whose
   * writes failed can be done again.
   */
  async crash(role: string, pid?: number): Promise<RegistryEntry | null> {
    const agent = this.agents.get(role);
    if (agent?.status !== 'running' || (pid !== undefined && agent.pid !== pid)) return null;
    const crashed: RegistryEntry = { ...agent, status: 'error' };
    await this.options.processes?.kill(role);
    await this.options.writer.registerAgent(crashed);
    await this.options.writer.announce({
      type: 'agent_crashed',
      at: this.iso(),
      role,
      error: 'model runner exited unexpectedly',
    });
    this.agents.set(role, crashed);
    this.options.onActivity?.(`${role} crashed`);
    return crashed;
  }

  /**
   * Ends its process (a crashed agent has none left) and takes it out of the
   * registry; its `agent_status` row is left to go stale, as ECHO leaves it.
   * False when it is not here. It leaves the crew only once all is written,
   * so a stop whose writes failed can be done again.
   */
  async stop(role: string): Promise<boolean> {
    const agent = this.agents.get(role);
    if (!agent) return false;
    const { writer, sessionId } = this.options;
    if (agent.status !== 'error') await this.options.processes?.stop(role);
    await writer.removeAgent(role);
    await writer.announce({ type: 'agent_stopped', at: this.iso(), role, session_id: sessionId });
    this.agents.delete(role);
    this.options.onActivity?.(`${role} stopped`);
    return true;
  }

  /**
   * Every running agent beats, in `agent_status` and the registry, and uses
   * its model: a guide-integrated delegator's agents have work, and each
   * request keeps the model loaded.
   */
  async beat(): Promise<void> {
    const now = this.options.clock.now();
    for (const [role, agent] of this.agents) {
      // A crashed agent has no heart to beat.
      if (agent.status === 'error') continue;
      const beating: RegistryEntry = { ...agent, last_heartbeat: new Date(now).toISOString() };
      this.agents.set(role, beating);
      this.options.models?.use(agent.model);
      await this.options.writer.heartbeat(role, now);
      await this.options.writer.registerAgent(beating);
    }
  }

  private iso(): string {
    return new Date(this.options.clock.now()).toISOString();
  }
}
