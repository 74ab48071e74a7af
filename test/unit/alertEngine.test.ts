import { describe, expect, it } from 'vitest';
import type { NotificationIntent } from '../../src/main/core/alerts/engine';
import { levelOf } from '../../src/main/core/alerts/level';
import { DEFAULT_ALERT_SETTINGS } from '../../src/shared/alertSettings';
import { advancePipeline, initialPipelineState, type PipelineState } from '../../src/main/core/pipeline';
import type { Readings } from '../../src/main/core/readings';
import type { Snapshot } from '../../src/shared/model';
import { gib } from '../support/bytes';
import { sessionRecord } from '../support/fixtures';
import { failed, GIB, ok, ollamaModel, postgresData, readingsAt, SETTINGS, system } from '../support/readings';

const START = Date.parse('2026-11-24T14:28:28Z');
const POLL = 5000;

/** Ollama holds the seed's two models at their estimates: the memory alert reads measured figures only. */
const HELD = ok({
  models: [ollamaModel('deepseek-coder:6.7b', 6.7), ollamaModel('codellama:13b', 13)],
  total: 2,
  unlistedBytes: 0,
});

/** 19.7 GB of agents, measured, on a machine of this many GB: 24 → 82 %, 21 → 94 %, 26 → 76 %, 27 → 73 %. */
const onMachineOf = (gb: number) => ({ system: system({ totalBytes: gib(gb), freeBytes: 8 * GIB }), ollama: HELD });

/** Feeds readings one poll apart (or at the times given) and records what the user would see and hear. */
class Run {
  state: PipelineState = initialPipelineState();
  now = START;
  readonly heard: NotificationIntent[] = [];
  last: Snapshot | null = null;

  constructor(private readonly settings = SETTINGS) {}

  poll(readings: Omit<Partial<Readings>, 'now'> & Parameters<typeof readingsAt>[1], times = 1): this {
    for (let index = 0; index < times; index += 1) {
      const step = advancePipeline(this.state, readingsAt(this.now, readings), this.settings);
      this.state = step.state;
      this.last = step.snapshot;
      this.heard.push(...step.intents);
      this.now += POLL;
    }
    return this;
  }

  snooze(forMs: number): this {
    this.state = { ...this.state, alerts: { ...this.state.alerts, snoozedUntil: this.now + forMs } };
    return this;
  }

  kinds(): string[] {
    return this.heard.map((intent) => `${intent.kind}:${intent.alert.id}:${intent.alert.severity}`);
  }

  firing(): string[] {
    return (this.last?.alerts ?? []).map((alert) => `${alert.id}:${alert.severity}`);
  }
}

describe('levelOf: hysteresis', () => {
  const thresholds = DEFAULT_ALERT_SETTINGS.memoryPctOfRam;
  it.each([
    [79.9, 'ok', 'ok'],
    [80, 'ok', 'warning'],
    [76, 'warning', 'warning'],
    [75, 'warning', 'ok'],
    [90, 'warning', 'critical'],
    [86, 'critical', 'critical'],
    [85, 'critical', 'warning'],
    [70, 'critical', 'ok'],
  ] as const)('%d%% while %s → %s', (value, firing, expected) => {
    expect(levelOf(value, firing, thresholds, 'above')).toBe(expected);
  });

  it('works downwards for free memory', () => {
    const free = DEFAULT_ALERT_SETTINGS.freeRamPct;
    expect(levelOf(9, 'ok', free, 'below')).toBe('warning');
    expect(levelOf(11, 'warning', free, 'below')).toBe('warning');
    expect(levelOf(12.5, 'warning', free, 'below')).toBe('ok');
    expect(levelOf(4, 'ok', free, 'below')).toBe('critical');
  });
});

describe('the alert engine', () => {
  it('ignores a spike shorter than the pending period', () => {
    const run = new Run().poll(onMachineOf(24), 2).poll(onMachineOf(40), 5);
    expect(run.heard).toEqual([]);
    expect(run.firing()).toEqual([]);
  });

  it('fires once a breach holds for the pending period, naming the culprit and what to do', () => {
    const run = new Run().poll(onMachineOf(24), 2);
    expect(run.heard).toEqual([]);
    run.poll(onMachineOf(24));
    expect(run.kinds()).toEqual(['raised:memory-vs-ram:warning']);
    expect(run.heard[0]).toMatchObject({
      title: 'Warning: Test Lead (codellama:13b)',
      body: "Agents use 19.7 GB, 82% of this machine's 24 GB RAM. Stop Test Lead: frees ~13 GB of RAM.",
    });
    expect(run.last?.alerts).toEqual([
      {
        id: 'memory-vs-ram',
        rule: 'memory-vs-ram',
        severity: 'warning',
        since: '2026-11-24T14:28:38.000Z',
        message: "Agents use 19.7 GB, 82% of this machine's 24 GB RAM.",
        culprit: { kind: 'agent', id: 'test_lead', label: 'Test Lead (codellama:13b)', memoryBytes: 13 * GIB },
        suggestedAction: 'Stop Test Lead: frees ~13 GB of RAM',
      },
    ]);
  });

  it('never fires on an estimate: with Ollama not asked, or holding none of the models, nothing measured breaches', () => {
    const machine = { system: system({ totalBytes: 24 * GIB, freeBytes: 8 * GIB }) };
    const estimated = new Run().poll({ ...machine, ollama: null }, 5);
    expect(estimated.last?.summary).toMatchObject({
      memoryBytes: gib(6.7) + 13 * GIB,
      memorySource: 'estimated',
      memoryPctOfRam: null,
    });
    expect(estimated.heard).toEqual([]);
    expect(estimated.firing()).toEqual([]);
    const unloaded = new Run().poll({ ...machine, ollama: ok({ models: [], total: 0, unlistedBytes: 0 }) }, 5);
    expect(unloaded.last?.summary).toMatchObject({ memoryBytes: 0, memorySource: 'measured', memoryPctOfRam: 0 });
    expect(unloaded.firing()).toEqual([]);
  });

  it('never fires for a value flapping around the threshold', () => {
    const run = new Run();
    for (let flap = 0; flap < 10; flap += 1) run.poll(onMachineOf(24.59)).poll(onMachineOf(24.66));
    expect(run.heard).toEqual([]);
  });

  it('holds within the clear margin, and recovers with a notice', () => {
    const run = new Run().poll(onMachineOf(24), 3).poll(onMachineOf(26), 5);
    expect(run.firing()).toEqual(['memory-vs-ram:warning']);
    run.poll(onMachineOf(27));
    expect(run.kinds()).toEqual(['raised:memory-vs-ram:warning', 'resolved:memory-vs-ram:warning']);
    expect(run.heard[1]?.title).toBe('Recovered: Test Lead (codellama:13b)');
    expect(run.firing()).toEqual([]);
  });

  it('escalates to critical after its own pending period', () => {
    const run = new Run().poll(onMachineOf(24), 3).poll(onMachineOf(21), 2);
    expect(run.firing()).toEqual(['memory-vs-ram:warning']);
    run.poll(onMachineOf(21));
    expect(run.kinds()).toEqual(['raised:memory-vs-ram:warning', 'escalated:memory-vs-ram:critical']);
    expect(run.heard[1]?.title).toBe('Critical: Test Lead (codellama:13b)');
  });

  it('reminds at most once an hour while a breach lasts', () => {
    const polls = (2 * 60 * 60 * 1000) / POLL;
    const run = new Run().poll(onMachineOf(24), 3 + polls);
    // Over two hours the session itself turns long; only the memory alert is followed here.
    expect(run.kinds().filter((kind) => kind.includes('memory'))).toEqual([
      'raised:memory-vs-ram:warning',
      'repeat:memory-vs-ram:warning',
      'repeat:memory-vs-ram:warning',
    ]);
  });

  it('tells nothing while snoozed, and tells an alert still firing when the snooze ends', () => {
    const run = new Run().snooze(60_000).poll(onMachineOf(24), 6);
    expect(run.heard).toEqual([]);
    expect(run.firing()).toEqual(['memory-vs-ram:warning']);
    run.poll(onMachineOf(24), 10);
    expect(run.kinds()).toEqual(['raised:memory-vs-ram:warning']);
  });

  it('tells nothing of an alert that came and went during a snooze', () => {
    const run = new Run().snooze(60_000).poll(onMachineOf(24), 4).poll(onMachineOf(40), 12);
    expect(run.heard).toEqual([]);
  });

  it('freezes alerts on a stale source, and one "source unavailable" alert stands instead', () => {
    const run = new Run().poll(onMachineOf(24), 3);
    // The registry fails: its last list is shown, stale. Even with RAM to spare the alert must not resolve.
    run.poll({ ...onMachineOf(64), registry: failed('Redis: connect ECONNREFUSED 127.0.0.1:6383') }, 3);
    expect(run.firing()).toEqual(['memory-vs-ram:warning', 'source-unavailable:registry:warning']);
    expect(run.kinds()).toEqual(['raised:memory-vs-ram:warning', 'raised:source-unavailable:registry:warning']);
    expect(run.last?.alerts[1]).toMatchObject({
      message:
        'The agent registry (Redis) is unavailable: Redis: connect ECONNREFUSED 127.0.0.1:6383. Showing what it said 15s ago.',
      culprit: { kind: 'source', id: 'registry' },
      suggestedAction: 'Check that Redis is running and reachable',
    });
    run.poll(onMachineOf(64));
    expect(run.kinds().slice(2)).toEqual([
      'resolved:memory-vs-ram:warning',
      'resolved:source-unavailable:registry:warning',
    ]);
  });

  it('raises PostgreSQL being down as critical', () => {
    const run = new Run().poll({ postgres: failed('connect ECONNREFUSED 127.0.0.1:5433') }, 3);
    expect(run.firing()).toEqual(['source-unavailable:postgres:critical']);
  });

  it('flags a session that runs too long, naming it', () => {
    const old = sessionRecord({ sessionId: 'marathon', startedAt: new Date(START - 9 * 3600_000).toISOString() });
    const run = new Run().poll({ postgres: ok(postgresData([old])) }, 3);
    expect(run.firing()).toEqual(['long-session:critical']);
    expect(run.last?.alerts[0]).toMatchObject({
      message: 'Session marathon (development) has been active for 9h 0m.',
      culprit: { kind: 'session', id: 'marathon' },
      suggestedAction: 'End session marathon if its work is done',
    });
  });

  it('warns when free memory runs low', () => {
    const run = new Run().poll({ system: system({ totalBytes: 64 * GIB, freeBytes: 3 * GIB }) }, 3);
    expect(run.firing()).toEqual(['free-memory:critical']);
    expect(run.last?.alerts[0]?.message).toBe('Only 3 GB of 64 GB RAM is free (5%).');
  });

  it('counts agents', () => {
    const settings = {
      ...SETTINGS,
      alerts: { ...SETTINGS.alerts, agentCount: { enabled: true, warning: 2, critical: 5, clearMargin: 1 } },
    };
    const run = new Run(settings).poll({}, 3);
    expect(run.firing()).toEqual(['agent-count:warning']);
  });

  it('suggests stopping together the agents that share the biggest model', () => {
    const settings = {
      ...SETTINGS,
      alerts: { ...SETTINGS.alerts, agentCount: { enabled: true, warning: 2, critical: 5, clearMargin: 1 } },
    };
    const run = new Run(settings).poll(
      { registry: null, postgres: ok(postgresData([sessionRecord({ agents: ['cto', 'senior_architect'] })])) },
      3,
    );
    expect(run.last?.alerts[0]).toMatchObject({
      culprit: {
        kind: 'agent',
        id: 'cto',
        label: 'CTO and Senior Architect (deepseek-coder:33b)',
        memoryBytes: 33 * GIB,
      },
      suggestedAction: 'Stop CTO and Senior Architect: frees ~33 GB',
    });
  });

  it('names, for GPU memory, the agent whose model holds the most of it, and only what stopping it frees there', () => {
    // Ollama split the big model mostly into RAM; the smaller one sits wholly in GPU memory.
    const models = [
      { ...ollamaModel('deepseek-coder:33b', 18.9), vramBytes: gib(1.2) },
      { ...ollamaModel('qwen2.5:14b', 9.5), vramBytes: gib(9.5) },
    ];
    const run = new Run().poll(
      {
        registry: null,
        postgres: ok(postgresData([sessionRecord({ agents: ['cto', 'ceo'] })])),
        ollama: ok({ models, total: 2, unlistedBytes: 0 }),
        system: system({ gpu: { totalBytes: gib(12), usedBytes: gib(11.4) } }),
      },
      3,
    );
    expect(run.last?.alerts.find((alert) => alert.id === 'gpu-memory')).toMatchObject({
      culprit: { kind: 'agent', id: 'ceo', label: 'CEO (qwen2.5:14b)', memoryBytes: gib(9.5) },
      suggestedAction: 'Stop CEO: frees ~9.5 GB of GPU memory',
    });
  });
});
