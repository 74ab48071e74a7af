import { describe, expect, it } from 'vitest';
import { advancePipeline, initialPipelineState, type PipelineState } from '../../src/main/core/pipeline';
import type { OllamaModel, Readings } from '../../src/main/core/readings';
import { gib, MIB } from '../support/bytes';
import { sessionRecord } from '../support/fixtures';
import {
  agentProcess,
  failed,
  GIB,
  ok,
  ollamaModel,
  postgresData,
  readingsAt,
  registryAgent,
  registryData,
  SETTINGS,
} from '../support/readings';

const NOW = Date.parse('2026-11-24T14:28:28Z');
const SECOND = 1000;

/** A model Ollama reports holding, its size given in GB and kept as Ollama gives it: whole bytes. */
const held = (name: string, gb: number, expiresAt: number | null = null): OllamaModel => ({
  ...ollamaModel(name, gb, expiresAt),
  sizeBytes: gib(gb),
});

function run(sequence: Readings[], settings = SETTINGS) {
  let state: PipelineState = initialPipelineState();
  return sequence.map((readings) => {
    const step = advancePipeline(state, readings, settings);
    state = step.state;
    return step;
  });
}

describe('one poll', () => {
  it("matches the seed's example: two agents, ~19.7 GB estimated, a session 5m 23s old", () => {
    const [step] = run([readingsAt(NOW)]);
    const snapshot = step?.snapshot;
    const estimated = gib(6.7) + gib(13);
    expect(snapshot?.takenAt).toBe('2026-11-24T14:28:28.000Z');
    expect(snapshot?.summary).toEqual({
      activeAgents: 2,
      activeSessions: 1,
      sessionsToday: 3,
      memoryBytes: estimated,
      memorySource: 'estimated',
      estimatedMemoryBytes: estimated,
      measuredMemoryBytes: null,
      // Nothing was measured: the share of RAM, and the memory alert, read no estimate.
      measuredRamBytes: null,
      // Every ECHO model once: 14 + 33 + 8 + 7 + 11 + 6.7 + 13
      allAgentsMemoryBytes: gib(14) + gib(33) + gib(8) + gib(7) + gib(11) + gib(6.7) + gib(13),
      savingsPct: 79,
      machineRamBytes: 32 * GIB,
      freeRamBytes: 16 * GIB,
      memoryPctOfRam: null,
      residentModelsBytes: null,
      cpuPercent: 5,
      cpuLoad: 'idle',
      agentsCpuPercent: null,
      agentsFrom: ['registry'],
      ramBytes: estimated,
      vramBytes: null,
      memoryPressure: null,
      // Not read by the test's probe.
      swapUsedBytes: null,
      unifiedMemory: false,
      unifiedMemoryHint: false,
      simulatedMachine: null,
      gpuTotalBytes: null,
      gpuUsedBytes: null,
    });
    expect(snapshot?.activeSessions?.[0]?.durationSeconds).toBe(323);
    expect(
      snapshot?.agents?.map((agent) => [agent.role, agent.memoryBytes, agent.memory, agent.uptimeSeconds]),
    ).toEqual([
      [
        'senior_developer',
        gib(6.7),
        { estimatedBytes: gib(6.7), modelLoaded: null, ollamaBytes: null, vramBytes: null, processBytes: null },
        323,
      ],
      [
        'test_lead',
        13 * GIB,
        { estimatedBytes: 13 * GIB, modelLoaded: null, ollamaBytes: null, vramBytes: null, processBytes: null },
        323,
      ],
    ]);
    // Processes were not looked at; an active session is on record.
    expect(snapshot?.echo).toBeNull();
    expect(snapshot?.sessionsRecorded).toBe(true);
    expect(snapshot?.sources.postgres).toEqual({
      state: 'ok',
      lastOkAt: '2026-11-24T14:28:28.000Z',
      lastError: null,
      lastErrorAt: null,
      ageSeconds: null,
      dropped: 0,
      droppedReasons: [],
      droppedTotal: 0,
    });
    expect(snapshot?.sources.ollama.state).toBe('no-data');
    expect(Object.isFrozen(snapshot)).toBe(true);
  });

  it("uses Ollama's figures when it has them and says the total is measured", () => {
    const [step] = run([
      readingsAt(NOW, {
        ollama: ok({ models: [held('deepseek-coder:6.7b', 3.8), held('codellama:13b', 7.4)] }),
        processes: new Map([[4242, { alive: true, rssBytes: 512 * MIB }]]),
        registry: ok(
          registryData([
            registryAgent('senior_developer', 'deepseek-coder:6.7b', { pid: 4242 }),
            registryAgent('test_lead', 'codellama:13b'),
          ]),
        ),
      }),
    ]);
    const snapshot = step?.snapshot;
    expect(snapshot?.agents?.[0]?.memory).toEqual({
      estimatedBytes: gib(6.7),
      modelLoaded: true,
      ollamaBytes: gib(3.8),
      vramBytes: 0,
      processBytes: 512 * MIB,
    });
    expect(snapshot?.agents?.[0]?.processAlive).toBe(true);
    const models = gib(3.8) + gib(7.4);
    const measured = models + 512 * MIB;
    // 11.7 GB of 32 GB.
    expect(snapshot?.summary).toMatchObject({
      memoryBytes: measured,
      memorySource: 'measured',
      residentModelsBytes: models,
      measuredRamBytes: measured,
      memoryPctOfRam: 36.6,
    });
    // The savings compare estimates on both sides.
    expect(snapshot?.summary.savingsPct).toBe(79);
    expect(step?.sample).toMatchObject({
      memoryBytes: measured,
      measuredBytes: measured,
      estimatedBytes: gib(6.7) + gib(13),
      agents: 2,
    });
  });

  it('counts a model Ollama answered without as 0 and as known: the agents hold only their VMs', () => {
    const [step] = run([
      readingsAt(NOW, {
        ollama: ok({ models: [] }),
        agentProcesses: ok([agentProcess('senior_developer', 4242), agentProcess('test_lead', 4243)]),
      }),
    ]);
    const snapshot = step?.snapshot;
    expect(
      snapshot?.agents?.map((agent) => [
        agent.role,
        agent.memoryBytes,
        agent.memory.modelLoaded,
        agent.memory.processBytes,
        agent.pid,
      ]),
    ).toEqual([
      ['senior_developer', 0, false, 300 * MIB, 4242],
      ['test_lead', 0, false, 300 * MIB, 4243],
    ]);
    // 600 MB of 32 GB: 1.8 %, from the exact bytes (0.6 GB, rounded first, would have made it 1.9 %).
    expect(snapshot?.summary).toMatchObject({
      memoryBytes: 600 * MIB,
      memorySource: 'measured',
      estimatedMemoryBytes: gib(6.7) + gib(13),
      measuredRamBytes: 600 * MIB,
      memoryPctOfRam: 1.8,
    });
    expect(snapshot?.agents?.[0]?.copies.map((copy) => copy.pid)).toEqual([4242]);
    expect(snapshot?.echo).toEqual({
      roots: ['/home/ana/echo'],
      configuredRoot: null,
      delegators: [],
      otherRoots: 0,
      otherUsers: 0,
    });
  });

  it("estimates a model while Ollama's last answer is stale, since it may have unloaded it since", () => {
    const holding = ok({ models: [held('deepseek-coder:6.7b', 3.8), held('codellama:13b', 7.4)] });
    const [first, second] = run([
      readingsAt(NOW, { ollama: holding }),
      readingsAt(NOW + 5 * SECOND, { ollama: failed('connect ECONNREFUSED 127.0.0.1:11434') }),
    ]);
    expect(first?.snapshot.agents?.map((agent) => [agent.memoryBytes, agent.memory.modelLoaded])).toEqual([
      [gib(3.8), true],
      [gib(7.4), true],
    ]);
    expect(second?.snapshot.sources.ollama.state).toBe('stale');
    expect(second?.snapshot.agents?.map((agent) => [agent.memoryBytes, agent.memory.modelLoaded])).toEqual([
      [gib(6.7), null],
      [13 * GIB, null],
    ]);
    expect(second?.snapshot.summary).toMatchObject({
      memoryBytes: gib(6.7) + gib(13),
      memorySource: 'estimated',
      measuredRamBytes: null,
      memoryPctOfRam: null,
    });
  });

  it('shows a model Ollama keeps loaded after its agent stopped, with the time until it unloads', () => {
    const [step] = run([readingsAt(NOW, { ollama: ok({ models: [held('qwen2.5:14b', 8.9, NOW + 200 * SECOND)] }) })]);
    expect(step?.snapshot.residentModels).toEqual([
      {
        name: 'qwen2.5:14b',
        sizeBytes: gib(8.9),
        sizeFrom: 'ollama',
        vramBytes: 0,
        ramBytes: gib(8.9),
        expiresAt: '2026-11-24T14:31:48.000Z',
        unloadsInSeconds: 200,
        staysLoaded: false,
        usedBy: [],
      },
    ]);
    expect(step?.snapshot.warnings).toContainEqual({
      kind: 'model-unused',
      model: 'qwen2.5:14b',
      message: 'Ollama holds qwen2.5:14b (8.9 GB) with no agent using it; it unloads in 3m 20s.',
    });
  });
});

describe('no agent running', () => {
  it('gives no savings, and keeps what Ollama still holds in view', () => {
    const [step] = run([
      readingsAt(NOW, {
        postgres: ok(postgresData([])),
        registry: ok(registryData([])),
        ollama: ok({
          models: [held('deepseek-coder:33b', 18.9, NOW + 250 * SECOND), held('qwen2.5:14b', 14.7, NOW + 120 * SECOND)],
        }),
      }),
    ]);
    // The agents hold nothing, exactly; against running every agent that is no "100% savings".
    expect(step?.snapshot.summary).toMatchObject({
      activeAgents: 0,
      memoryBytes: 0,
      memorySource: 'measured',
      savingsPct: null,
      residentModelsBytes: gib(18.9) + gib(14.7),
    });
    expect(step?.sample).toMatchObject({ agents: 0, memoryBytes: 0, ramBytes: 0, measuredRamBytes: 0 });
  });
});

describe('sessions ECHO does not record', () => {
  const idleCto = (postgres: ReturnType<typeof postgresData>) =>
    readingsAt(NOW, {
      postgres: ok(postgres),
      registry: ok(registryData([registryAgent('cto', 'deepseek-coder:33b', { sessionId: null })])),
      ollama: ok({ models: [held('deepseek-coder:33b', 18.8)] }),
    });
  const idleWarnings = (step: ReturnType<typeof run>[number] | undefined) =>
    step?.snapshot.warnings.filter((warning) => warning.kind === 'agent-idle');

  it('says sessions are not recorded when agents run and none was written in the last day, and calls no agent idle', () => {
    const [none] = run([idleCto(postgresData([], { newestSessionAt: null }))]);
    expect(none?.snapshot.sessionsRecorded).toBe(false);
    expect(idleWarnings(none)).toEqual([]);
    const [dayOld] = run([idleCto(postgresData([], { newestSessionAt: NOW - 25 * 3600 * SECOND }))]);
    expect(dayOld?.snapshot.sessionsRecorded).toBe(false);
    expect(idleWarnings(dayOld)).toEqual([]);
  });

  it('calls an agent in no active session idle where a session was recorded within the day', () => {
    const [step] = run([idleCto(postgresData([], { newestSessionAt: NOW - 3600 * SECOND }))]);
    expect(step?.snapshot.sessionsRecorded).toBe(true);
    expect(idleWarnings(step)).toEqual([
      {
        kind: 'agent-idle',
        role: 'cto',
        message: 'CTO runs in no active session and holds deepseek-coder:33b (18.8 GB): stopping it frees that memory.',
      },
    ]);
  });

  it('cannot tell with no agents running and no session on record', () => {
    const [step] = run([readingsAt(NOW, { postgres: ok(postgresData([])), registry: ok(registryData([])) })]);
    expect(step?.snapshot.sessionsRecorded).toBeNull();
  });
});

describe('a source that fails', () => {
  it('keeps the last good values, marked stale with their age, and never zeros', () => {
    const [, second] = run([
      readingsAt(NOW),
      readingsAt(NOW + 30 * SECOND, { postgres: failed('connect ECONNREFUSED 127.0.0.1:5433') }),
    ]);
    const snapshot = second?.snapshot;
    expect(snapshot?.sources.postgres).toMatchObject({
      state: 'stale',
      error: 'connect ECONNREFUSED 127.0.0.1:5433',
      lastOkAt: '2026-11-24T14:28:28.000Z',
      lastError: 'connect ECONNREFUSED 127.0.0.1:5433',
      lastErrorAt: '2026-11-24T14:28:58.000Z',
      ageSeconds: 30,
    });
    expect(snapshot?.summary.activeSessions).toBe(1);
    expect(snapshot?.summary.sessionsToday).toBe(3);
    // Durations still count from the session's start.
    expect(snapshot?.activeSessions?.[0]?.durationSeconds).toBe(353);
  });

  it('shows unknown, not zero, when it never answered', () => {
    const [step] = run([
      readingsAt(NOW, { postgres: failed('timeout'), registry: failed('Redis: connect ECONNREFUSED') }),
    ]);
    expect(step?.snapshot.sources.postgres.state).toBe('error');
    expect(step?.snapshot.summary).toMatchObject({
      activeSessions: null,
      sessionsToday: null,
      activeAgents: null,
      memoryBytes: null,
    });
    expect(step?.snapshot.activeSessions).toBeNull();
  });

  it('recovers on the first poll after it comes back', () => {
    const steps = run([
      readingsAt(NOW),
      readingsAt(NOW + 5 * SECOND, { registry: failed('Redis: connect ECONNREFUSED') }),
      readingsAt(NOW + 10 * SECOND),
    ]);
    expect(steps.map((step) => step.snapshot.sources.registry.state)).toEqual(['ok', 'stale', 'ok']);
    expect(steps[2]?.snapshot.sources.registry).toMatchObject({
      lastError: 'Redis: connect ECONNREFUSED',
      ageSeconds: null,
    });
    expect(steps.flatMap((step) => step.events.map((event) => event.type))).toEqual(['source_down', 'source_up']);
  });

  it('falls back to the active sessions while no registry was ever read', () => {
    const [step] = run([readingsAt(NOW, { registry: failed('Redis: connect ECONNREFUSED') })]);
    expect(step?.snapshot.summary.agentsFrom).toEqual(['sessions']);
    expect(step?.snapshot.agents?.map((agent) => agent.role)).toEqual(['senior_developer', 'test_lead']);
    expect(step?.snapshot.sources.registry.state).toBe('error');
  });
});

describe('changes between polls', () => {
  it('become events even when the delegator announces nothing', () => {
    const later = readingsAt(NOW + 5 * SECOND, {
      registry: ok(
        registryData([
          registryAgent('senior_developer', 'deepseek-coder:6.7b'),
          registryAgent('cto', 'deepseek-coder:33b'),
        ]),
      ),
      postgres: ok(
        postgresData([
          sessionRecord(),
          sessionRecord({ sessionId: 'session_2', category: 'technical', description: 'Plan the API' }),
        ]),
      ),
    });
    const [, second] = run([readingsAt(NOW), later]);
    expect(second?.events.map((event) => [event.type, event.role ?? event.sessionId, event.message])).toEqual([
      ['agent_spawned', 'cto', 'CTO spawned (deepseek-coder:33b)'],
      ['agent_stopped', 'test_lead', 'Test Lead stopped after 5m 23s'],
      ['session_started', 'session_2', 'Session started: technical, Plan the API'],
    ]);
    expect(second?.events.every((event) => event.origin === 'monitor')).toBe(true);
  });

  it('are not invented when a source goes down', () => {
    const [, second] = run([
      readingsAt(NOW),
      readingsAt(NOW + 5 * SECOND, { registry: failed('down'), postgres: failed('down') }),
    ]);
    expect(second?.events.map((event) => event.type)).toEqual(['source_down', 'source_down']);
  });
});

describe('the time zone', () => {
  it('is read at each poll, so a laptop that travels gets the right "today" without a restart', () => {
    let zone = 'UTC';
    const settings = { ...SETTINGS, timeZone: () => zone };
    // 23:30 UTC on the 24th is already the 25th in Kiritimati (UTC+14).
    const at = Date.parse('2026-11-24T23:30:00Z');
    const first = advancePipeline(initialPipelineState(), readingsAt(at), settings);
    zone = 'Pacific/Kiritimati';
    const second = advancePipeline(first.state, readingsAt(at + 5000), settings);
    expect([first.snapshot.timeZone, first.snapshot.today]).toEqual(['UTC', '2026-11-24']);
    expect([second.snapshot.timeZone, second.snapshot.today]).toEqual(['Pacific/Kiritimati', '2026-11-25']);
  });
});
