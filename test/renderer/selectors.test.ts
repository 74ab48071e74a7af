import { describe, expect, it } from 'vitest';
import { agentWorkParts } from '../../src/shared/workText';
import type { MonitorEvent } from '../../src/shared/monitorEvent';
import { driftOf, selectAgentRows } from '../../src/renderer/src/store/selectors/agents';
import { savingsText, selectKpis } from '../../src/renderer/src/store/selectors/cards';
import { groupEventsByDay } from '../../src/renderer/src/store/selectors/events';
import { isFirstRun } from '../../src/renderer/src/store/selectors/firstRun';
import { selectHistoryRows } from '../../src/renderer/src/store/selectors/history';
import { liveSeconds } from '../../src/renderer/src/store/selectors/liveSeconds';
import { selectSourceBadges } from '../../src/renderer/src/store/selectors/sources';
import { selectStatsView } from '../../src/renderer/src/store/selectors/statistics';
import { sessionRecord } from '../support/fixtures';
import {
  agentProcess,
  failed,
  ok,
  ollamaModel,
  postgresData,
  registryAgent,
  registryData,
  stats,
} from '../support/readings';
import { SnapshotMaker, snapshotAt } from '../support/snapshots';
import { gib } from '../support/bytes';

const NOW = Date.parse('2026-11-24T14:28:28Z');
const hhmm = (instant: string): string => instant.slice(11, 16);

describe('selectKpis', () => {
  it("gives the seed's three cards", () => {
    expect(selectKpis(snapshotAt(NOW))).toEqual({
      activeAgents: { text: '2', stale: false },
      cpuLoad: 'idle',
      agentsCpu: null,
      // Ollama is not asked: the figure is the estimate, and says so.
      memory: { text: '~19.7 GB', stale: false },
      memoryNote: '79% savings vs all agents · estimated',
      memoryHint: null,
      activeSessions: { text: '1', stale: false },
      totalToday: { text: '3', stale: false },
    });
  });

  it("shows Ollama's reported figure plainly, called reported rather than measured, and an exact 0 where nothing runs", () => {
    const held = snapshotAt(NOW, {
      ollama: ok({ models: [ollamaModel('deepseek-coder:6.7b', 6.7), ollamaModel('codellama:13b', 13)] }),
    });
    expect(selectKpis(held)).toMatchObject({
      memory: { text: '19.7 GB', stale: false },
      memoryNote: '79% savings vs all agents · reported',
    });
    const unloaded = snapshotAt(NOW, { ollama: ok({ models: [] }) });
    expect(selectKpis(unloaded).memory).toEqual({ text: '0 GB', stale: false });
    const none = snapshotAt(NOW, { registry: ok(registryData([])), postgres: ok(postgresData([])) });
    expect(selectKpis(none).memory).toEqual({ text: '0 GB', stale: false });
  });

  it('greys what a failing source last said, and shows unknown as a dash, never 0', () => {
    const maker = new SnapshotMaker();
    maker.next(NOW);
    const stale = selectKpis(maker.next(NOW + 5000, { postgres: failed('down'), registry: failed('down') }));
    expect(stale.activeSessions).toEqual({ text: '1', stale: true });
    expect(stale.activeAgents).toEqual({ text: '2', stale: true });
    const unknown = selectKpis(snapshotAt(NOW, { postgres: failed('down'), registry: failed('down') }));
    expect(unknown.activeSessions).toEqual({ text: '—', stale: false });
    expect(unknown.memory).toEqual({ text: '—', stale: false });
  });

  it('words the savings from the figure', () => {
    expect(savingsText(86)).toBe('86% savings vs all agents');
    expect(savingsText(0)).toBe('Running every agent');
    expect(savingsText(null)).toBe('');
  });
});

describe('liveSeconds', () => {
  it("ticks from the snapshot's time by the local clock since it arrived", () => {
    const takenAt = '2026-11-24T14:28:28.000Z';
    const startedAt = '2026-11-24T14:23:05.000Z';
    expect(liveSeconds(startedAt, takenAt, 1000, 1000)).toBe(323);
    expect(liveSeconds(startedAt, takenAt, 1000, 3500)).toBe(325);
    // A local clock that jumps back never makes time run backwards.
    expect(liveSeconds(startedAt, takenAt, 1000, 0)).toBe(323);
  });
});

describe('agent rows', () => {
  it('show the readings side by side, and flag drift', () => {
    const snapshot = snapshotAt(NOW, {
      registry: ok(
        registryData([
          registryAgent('senior_developer', 'deepseek-coder:6.7b', { pid: 9 }),
          registryAgent('test_lead', 'codellama:13b'),
        ]),
      ),
      ollama: ok({ models: [ollamaModel('deepseek-coder:6.7b', 3.8), ollamaModel('codellama:13b', 12)] }),
      processes: new Map([[9, { alive: true, rssBytes: 1024 ** 3 }]]),
    });
    expect(selectAgentRows(snapshot.agents ?? [])).toEqual([
      {
        role: 'senior_developer',
        name: 'Senior Developer',
        initials: 'SE',
        model: 'deepseek-coder:6.7b',
        memoryText: '3.8 GB',
        memoryFrom: 'Ollama',
        // Ollama's figure is the one above them: the readings add the estimate and the VM.
        readings: ['estimate 6.7 GB', 'process 1 GB'],
        drift: '43% below the estimate',
        spawnedAt: '2026-11-24T14:23:05.000Z',
        process: 'pid 9',
        heartbeat: null,
        seenBy: 'registry, session',
        unloadable: true,
        copies: [],
        lineage: null,
        work: null,
      },
      expect.objectContaining({ role: 'test_lead', memoryFrom: 'Ollama', readings: ['estimate 13 GB'], drift: null }),
    ]);
    expect(
      driftOf({
        ...(snapshot.agents?.[1] ?? ({} as never)),
        memory: { estimatedBytes: gib(13), modelLoaded: null, ollamaBytes: null, vramBytes: null, processBytes: null },
      }),
    ).toBeNull();
  });

  it('show a model Ollama does not hold as not loaded, with what it needs, and an estimate where Ollama could not be asked', () => {
    const unloaded = snapshotAt(NOW, { ollama: ok({ models: [ollamaModel('codellama:13b', 12)] }) });
    expect(
      selectAgentRows(unloaded.agents ?? []).map(({ memoryText, memoryFrom, readings, unloadable }) => ({
        memoryText,
        memoryFrom,
        readings,
        unloadable,
      })),
    ).toEqual([
      { memoryText: 'model not loaded', memoryFrom: null, readings: ['needs ~6.7 GB to load'], unloadable: false },
      { memoryText: '12 GB', memoryFrom: 'Ollama', readings: ['estimate 13 GB'], unloadable: true },
    ]);
    const unasked = snapshotAt(NOW);
    expect(
      selectAgentRows(unasked.agents ?? []).map(({ memoryText, memoryFrom, readings }) => [
        memoryText,
        memoryFrom,
        readings,
      ]),
    ).toEqual([
      ['~6.7 GB', 'estimate', []],
      ['~13 GB', 'estimate', []],
    ]);
  });

  it('show a model Ollama lists without a size as loaded, at its estimate, and offer to unload it', () => {
    // As an Ollama-compatible server answers: a size of 0, or none at all (Podman AI Lab).
    const unsized = snapshotAt(NOW, {
      ollama: ok({
        models: [
          { name: 'deepseek-coder:6.7b', sizeBytes: null, vramBytes: 0, expiresAt: null },
          ollamaModel('codellama:13b', 12),
        ],
      }),
    });
    expect(
      selectAgentRows(unsized.agents ?? []).map(({ memoryText, readings, unloadable }) => ({
        memoryText,
        readings,
        unloadable,
      })),
    ).toEqual([
      { memoryText: '~6.7 GB', readings: ['loaded, Ollama gave no size'], unloadable: true },
      { memoryText: '12 GB', readings: ['estimate 13 GB'], unloadable: true },
    ]);
    expect(selectKpis(unsized)).toMatchObject({
      memory: { text: '~18.7 GB', stale: false },
      memoryNote: '79% savings vs all agents · mixed',
    });
  });

  it('list every copy of a role, oldest first, and what its parents say', () => {
    const snapshot = snapshotAt(NOW, {
      agentProcesses: ok([
        agentProcess('test_lead', 5353, { orphaned: true, parent: { pid: 1, name: 'systemd' } }),
        agentProcess('test_lead', 4243, { parent: { pid: 4200, name: 'timeout' } }),
        agentProcess('senior_developer', 4242, { launchedBy: 'claude-desktop', parent: { pid: 900, name: 'claude' } }),
      ]),
    });
    expect(
      selectAgentRows(snapshot.agents ?? []).map(({ role, process, copies, lineage }) => ({
        role,
        process,
        copies,
        lineage,
      })),
    ).toEqual([
      { role: 'senior_developer', process: 'pid 4242 · 1% CPU', copies: [], lineage: 'from Claude Desktop' },
      {
        role: 'test_lead',
        process: '2 copies: pids 4243, 5353',
        copies: [4243, 5353],
        lineage: 'pid 4243 under timeout · pid 5353 orphaned',
      },
    ]);
  });
});

describe('agent work', () => {
  it("joins each agent's backlog, failures, last message and model call from ECHO's records", () => {
    const work = {
      role: 'cto',
      tasksToday: 4,
      tasksLastHour: 1,
      backlog: 3,
      waiting: [
        {
          id: 7,
          from: 'delegator',
          to: 'cto',
          type: 'request',
          subject: 'Review',
          at: '2026-11-24T14:18:28.000Z',
          ageSeconds: 720,
        },
      ],
      failures: [],
      failuresTotal: 1,
      lastSent: {
        id: 9,
        from: 'cto',
        to: 'ceo',
        type: 'response',
        subject: 'Done',
        at: '2026-11-24T14:26:28.000Z',
        ageSeconds: 120,
      },
      llm: { lastQueryAt: '2026-11-24T14:29:28.000Z', turnsToday: 3, tokensToday: 900, quietUnloadInSeconds: 240 },
    };
    expect(agentWorkParts(work, Date.parse('2026-11-24T14:30:28.000Z'))).toEqual([
      '3 waiting, oldest 12m 0s',
      '1 failed',
      'last sent 2m 0s ago',
      'model called 1m 0s ago',
      'its model unloads in 4m 0s if it stays quiet',
    ]);
    expect(agentWorkParts(undefined, 0)).toEqual([]);
  });
});

describe('history rows', () => {
  it('show "Active" for a session still running and a fixed duration for an ended one', () => {
    const rows = selectHistoryRows([
      { ...sessionRecord(), durationSeconds: 100 },
      {
        ...sessionRecord({
          sessionId: 'done',
          endedAt: '2026-11-24T14:33:05.000Z',
          status: 'completed',
          description: null,
        }),
        durationSeconds: 600,
      },
    ]);
    expect(rows.map((row) => [row.sessionId, row.durationText, row.description, row.agents])).toEqual([
      ['session_1731355385_a1b2c3d4', null, 'Implement password reset feature', '2'],
      ['done', '10m 0s', 'N/A', '2'],
    ]);
  });

  it('show a dash for a count the row does not hold, and "unknown" for a status it does not', () => {
    const [row] = selectHistoryRows([
      { ...sessionRecord({ totalAgentsSpawned: null, status: null }), durationSeconds: 100 },
    ]);
    expect([row?.agents, row?.status]).toEqual(['—', 'unknown']);
  });
});

describe('selectStatsView', () => {
  it('gives the figures, the error rate and the categories, biggest first', () => {
    const view = selectStatsView(
      stats({
        totalSessions: 8,
        avgAgentsPerSession: 2.25,
        avgDurationSeconds: 754,
        categoryBreakdown: { hr: 1, development: 5, quick_fix: 2 },
        statusBreakdown: { completed: 6, error: 2 },
      }),
    );
    expect(view).toMatchObject({
      totalSessions: 8,
      avgAgentsText: '2.3',
      avgDurationText: '12m 34s',
      errorRateText: '25%',
      categories: [
        { category: 'development', count: 5 },
        { category: 'quick_fix', count: 2 },
        { category: 'hr', count: 1 },
      ],
    });
  });

  it('shows dashes, not zeros, for an empty period', () => {
    expect(
      selectStatsView(
        stats({ totalSessions: 0, avgAgentsPerSession: 0, avgDurationSeconds: null, statusBreakdown: {} }),
      ),
    ).toMatchObject({
      avgAgentsText: '—',
      avgDurationText: '—',
      errorRateText: '—',
    });
  });

  it('says how many unreadable rows the figures leave out, and nothing when none', () => {
    expect(selectStatsView(stats()).leftOutText).toBeNull();
    expect(selectStatsView(stats({ unreadableSessions: 1 })).leftOutText).toBe(
      '1 unreadable row left out, as from the history',
    );
    expect(selectStatsView(stats({ unreadableSessions: 5008 })).leftOutText).toBe(
      '5,008 unreadable rows left out, as from the history',
    );
  });
});

describe('selectSourceBadges', () => {
  it('says ok, stale since when, error, or not used', () => {
    const maker = new SnapshotMaker();
    maker.next(NOW, { ollama: ok({ models: [] }) });
    const snapshot = maker.next(NOW + 5000, {
      postgres: failed('connect ECONNREFUSED'),
      ollama: failed('Ollama: timeout'),
    });
    expect(selectSourceBadges(snapshot, hhmm).map((badge) => [badge.source, badge.state, badge.text])).toEqual([
      ['postgres', 'stale', 'stale since 14:28: connect ECONNREFUSED'],
      ['registry', 'ok', 'ok'],
      ['ollama', 'stale', 'stale since 14:28: Ollama: timeout'],
    ]);
    const fresh = snapshotAt(NOW, { postgres: failed('refused') });
    expect(selectSourceBadges(fresh, hhmm).map((badge) => badge.text)).toEqual(['error: refused', 'ok', 'not used']);
  });
});

describe('groupEventsByDay', () => {
  it('lists newest first, one group per local day', () => {
    const events: MonitorEvent[] = [
      '2026-11-23T23:00:00.000Z',
      '2026-11-24T09:00:00.000Z',
      '2026-11-24T10:00:00.000Z',
    ].map((at) => ({
      id: at,
      at,
      type: 'agent_spawned',
      origin: 'registry',
      message: at,
    }));
    const groups = groupEventsByDay(events, (at) => at.slice(0, 10));
    expect(groups.map((group) => [group.day, group.events.map((event) => event.at.slice(11, 13))])).toEqual([
      ['2026-11-24', ['10', '09']],
      ['2026-11-23', ['23']],
    ]);
  });
});

describe('isFirstRun', () => {
  it('is the first-run screen only when nothing could be read at all', () => {
    expect(isFirstRun(null, false)).toBe(false);
    expect(isFirstRun(null, true)).toBe(true);
    expect(isFirstRun(snapshotAt(NOW), false)).toBe(false);
    expect(isFirstRun(snapshotAt(NOW, { postgres: failed('refused'), registry: failed('refused') }), false)).toBe(true);
    expect(isFirstRun(snapshotAt(NOW, { postgres: failed('refused') }), false)).toBe(false);
    // A machine without ECHO: its processes were looked at and none is an agent; that is still nothing to monitor.
    expect(
      isFirstRun(
        snapshotAt(NOW, { postgres: failed('refused'), registry: failed('refused'), agentProcesses: ok([]) }),
        false,
      ),
    ).toBe(true);
  });
});

describe("an agent's signals", () => {
  it("show its process with CPU, its heartbeat's age and status, and every source that saw it", () => {
    const base = snapshotAt(NOW).agents?.[0];
    if (!base) throw new Error('the fixture has agents');
    const [row] = selectAgentRows([
      {
        ...base,
        pid: 4242,
        processAlive: true,
        cpuPercent: 3.5,
        origins: ['heartbeat', 'process'],
        heartbeat: { status: 'error', ageSeconds: 75, node: null, version: null },
      },
    ]);
    expect(row).toMatchObject({
      process: 'pid 4242 · 3.5% CPU',
      heartbeat: 'heartbeat 1m 15s ago · error',
      seenBy: 'heartbeat, process',
    });
  });
});
