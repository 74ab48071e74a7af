import { describe, expect, it } from 'vitest';
import type { AgentLaunch, AgentProcessHost, AgentRuntime } from '../../src/main/simulator/agentSpawner';
import { planStandingCrew } from '../../src/main/simulator/crewPlan';
import { DelegatorWriter } from '../../src/main/simulator/delegatorWriter';
import { SeededRandom } from '../../src/main/simulator/random';
import { NO_REGISTRY } from '../../src/main/simulator/runningAgents';
import { Simulator } from '../../src/main/simulator/simulator';
import { ManualTimers, settle } from '../support/manualTimers';

/** Agents as records: what was launched, killed and stopped, and a way to end one from outside. */
class RecordedAgents implements AgentProcessHost {
  readonly launched: Array<AgentLaunch & { pid: number }> = [];
  readonly killed: string[] = [];
  closed = false;
  private nextPid = 4000;
  private readonly exits = new Map<string, (pid: number) => void>();

  launch(agent: AgentLaunch, onUnexpectedExit: (pid: number) => void): Promise<number> {
    const pid = this.nextPid++;
    this.launched.push({ ...agent, pid });
    this.exits.set(agent.role, onUnexpectedExit);
    return Promise.resolve(pid);
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  kill(role: string): Promise<void> {
    this.killed.push(role);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  runtime(): Promise<AgentRuntime> {
    return Promise.resolve({ vm: 'erlang', executables: ['beam.smp'] });
  }

  /** The agent's process ends by itself, as one killed from outside does. */
  endFromOutside(role: string): void {
    const pid = [...this.launched].reverse().find((agent) => agent.role === role)?.pid ?? 0;
    this.exits.get(role)?.(pid);
  }
}

/** Every statement the writer sends, with its values. */
function recordingSql(): {
  sql: { query: (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }> };
  statements: Array<{ text: string; values: unknown[] }>;
} {
  const statements: Array<{ text: string; values: unknown[] }> = [];
  return {
    statements,
    sql: {
      query: (text, values = []) => {
        statements.push({ text, values });
        return Promise.resolve({ rows: [] });
      },
    },
  };
}

const SEED = 6;

function setUp() {
  const timers = new ManualTimers(Date.parse('2026-11-24T14:00:00Z'));
  const agents = new RecordedAgents();
  const { sql, statements } = recordingSql();
  const activity: string[] = [];
  const simulator = new Simulator({
    writer: new DelegatorWriter(sql, null, 'delegator:'),
    seed: SEED,
    speed: 1,
    hostName: 'test',
    clock: { now: () => timers.now },
    timers,
    processes: agents,
    onActivity: (line) => activity.push(line),
  });
  const beatsOf = (): string[] => statements.map((statement) => String(statement.values[0]));
  return { timers, agents, statements, activity, simulator, beatsOf };
}

describe('ECHO as it runs (the default mode)', () => {
  it("starts the seed's crew in users' forms and writes nothing but `running` heartbeats, every 5 s", async () => {
    const { timers, agents, statements, simulator } = setUp();
    const crew = planStandingCrew(new SeededRandom(SEED));
    expect(simulator.mode).toBe('as-it-runs');
    await simulator.startWarm();
    expect(agents.launched.map(({ role, form }) => ({ role, form }))).toEqual(crew);
    expect(agents.launched.every((agent) => agent.model === undefined)).toBe(true);
    await timers.advance(5000);
    expect(statements).toHaveLength(crew.length * 2);
    for (const { text, values } of statements) {
      expect(text).toMatch(
        /^INSERT INTO agent_status \(role, status, last_heartbeat, metadata\)\s+VALUES \(\$1, 'running'/,
      );
      expect(JSON.parse(String(values[2]))).toEqual({
        version: '1.0.0',
        timestamp: expect.stringMatching(/\.\d{6}Z$/),
        node: 'nonode@nohost',
      });
    }
    await simulator.stop();
    expect(agents.closed).toBe(true);
  });

  it('stops beating for a crashed agent, so its row goes stale, and starts it again a while later with a new pid', async () => {
    const { timers, agents, simulator, beatsOf, statements, activity } = setUp();
    await simulator.startWarm();
    const [first] = agents.launched;
    const role = first?.role ?? '';
    expect(await simulator.crash(role)).toBe(true);
    expect(agents.killed).toEqual([role]);
    expect(await simulator.crash(role)).toBe(false);
    statements.length = 0;
    await timers.advance(25_000);
    expect(beatsOf()).not.toContain(role);
    expect(activity).toContain(
      `${role} crashed (pid ${String(first?.pid)}): its agent_status row stays running and goes stale`,
    );
    // Started again within two minutes, in the same form, and beating.
    await timers.advance(120_000);
    const again = agents.launched.filter((agent) => agent.role === role);
    expect(again).toHaveLength(2);
    expect(again[1]?.form).toBe(first?.form);
    expect(again[1]?.pid).not.toBe(first?.pid);
    statements.length = 0;
    await timers.advance(5000);
    expect(beatsOf()).toContain(role);
    await simulator.stop();
  });

  it('takes an agent whose process ends by itself as down the same way', async () => {
    const { timers, agents, simulator, beatsOf, statements } = setUp();
    await simulator.startWarm();
    const role = agents.launched[1]?.role ?? '';
    agents.endFromOutside(role);
    await settle(20);
    statements.length = 0;
    await timers.advance(5000);
    expect(beatsOf()).not.toContain(role);
    expect(agents.killed).toEqual([]);
    await simulator.stop();
  });

  it('refuses commands: no ECHO listens on our registry', async () => {
    const { simulator } = setUp();
    expect(await simulator.handle({ id: 'c1', type: 'stop_agent', role: 'cto', at: new Date().toISOString() })).toEqual(
      { ok: false, error: NO_REGISTRY },
    );
  });
});
