import { describe, expect, it } from 'vitest';
import { loadLevel, summaryLine, trayModel, type TrayMenuItem } from '../../src/main/core/views/trayModel';
import type { Snapshot } from '../../src/shared/model';
import { gib, MIB } from '../support/bytes';
import { sessionRecord } from '../support/fixtures';
import {
  agentProcess,
  failed,
  GIB,
  ok,
  ollamaModel,
  postgresData,
  registryAgent,
  registryData,
  system,
} from '../support/readings';
import { SnapshotMaker, snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T14:28:28Z');
const hhmm = (instant: string): string => instant.slice(11, 16);
const labels = (menu: readonly TrayMenuItem[]): string[] =>
  menu.map((item) => (item.kind === 'separator' ? '---' : item.label));

/** Ollama holds the seed's two models at their estimates, so the figures are measured. */
const HELD = ok({ models: [ollamaModel('deepseek-coder:6.7b', 6.7), ollamaModel('codellama:13b', 13)] });

function staleSnapshot(): Snapshot {
  const maker = new SnapshotMaker();
  maker.next(NOW);
  return maker.next(NOW + 60_000, { registry: failed('Redis: connect ECONNREFUSED') });
}

describe('the tray model', () => {
  it('lists, top to bottom: the summary, agents, sessions, problems, categories that would not fit, then the actions', () => {
    const model = trayModel({ snapshot: staleSnapshot(), snoozedUntil: null, now: NOW, formatTime: hhmm });
    // Ollama is not asked here: the figures are estimates, and say so.
    expect(model.title).toBe('2 agents · ~19.7 GB (estimate)');
    expect(model.tooltip).toBe('Delegator Monitor: 2 agents · ~19.7 GB (estimate)');
    expect(labels(model.menu)).toEqual([
      '2 agents · ~19.7 GB (estimate)',
      '---',
      'Senior Developer · deepseek-coder:6.7b · ~6.7 GB · up 6m',
      'Test Lead · codellama:13b · ~13 GB · up 6m',
      '---',
      'development · Implement password reset feature · 6m',
      '---',
      'Registry: stale since 14:28',
      '---',
      'strategic would not fit: +55 GB, 16 GB free',
      'technical would not fit: +33 GB, 16 GB free',
      'hr would not fit: +22 GB, 16 GB free',
      'operations would not fit: +40 GB, 16 GB free',
      'product would not fit: +33 GB, 16 GB free',
      '---',
      'Open Dashboard',
      '---',
      'Snooze notifications for 1 hour',
      'Snooze notifications until tomorrow',
      'Resume notifications',
      '---',
      'Settings…',
      'Open Log',
      'Quit',
    ]);
    expect(model.menu[2]).toMatchObject({
      kind: 'submenu',
      items: expect.arrayContaining([
        { kind: 'info', label: 'Show in Dashboard', focus: { kind: 'agent', id: 'senior_developer' } },
      ]),
    });
  });

  it('offers each agent and session its controls, asking first as the ellipsis says', () => {
    const model = trayModel({
      snapshot: snapshotAt(NOW, { ollama: ok({ models: [ollamaModel('codellama:13b', 7.4)] }) }),
      snoozedUntil: null,
      now: NOW,
      formatTime: hhmm,
    });
    const submenus = model.menu.filter((item) => item.kind === 'submenu');
    expect(submenus.map((item) => [item.label.split(' · ')[0], labels(item.items)])).toEqual([
      ['Senior Developer', ['Show in Dashboard', 'Seen by registry, sessions', '---', 'Stop Senior Developer…']],
      [
        'Test Lead',
        ['Show in Dashboard', 'Seen by registry, sessions', '---', 'Stop Test Lead…', 'Unload codellama:13b…'],
      ],
      ['development', ['Show in Dashboard', '---', 'End session session_1731355385_a1b2c3d4…']],
    ]);
    expect(submenus[1]?.items.at(-1)).toEqual({
      kind: 'control',
      label: 'Unload codellama:13b…',
      request: { type: 'unload_model', model: 'codellama:13b' },
    });
  });

  it('offers to unload a model Ollama lists without a size, and says its figure is the estimate', () => {
    // As an Ollama-compatible server answers: a size of 0, or none at all (Podman AI Lab).
    const unsized = { name: 'codellama:13b', sizeBytes: null, vramBytes: 0, expiresAt: null };
    const model = trayModel({
      snapshot: snapshotAt(NOW, { ollama: ok({ models: [unsized] }) }),
      snoozedUntil: null,
      now: NOW,
      formatTime: hhmm,
    });
    const lead = model.menu.find((item) => item.kind === 'submenu' && item.label.startsWith('Test Lead'));
    expect(lead?.kind === 'submenu' ? lead.label : null).toBe('Test Lead · codellama:13b · ~13 GB · up 5m');
    expect(lead?.kind === 'submenu' ? labels(lead.items) : null).toEqual([
      'Show in Dashboard',
      'Model loaded; Ollama gave no size, ~13 GB estimated',
      'Seen by registry, sessions',
      '---',
      'Stop Test Lead…',
      'Unload codellama:13b…',
    ]);
    expect(summaryLine(snapshotAt(NOW, { ollama: ok({ models: [unsized] }) }))).toBe('2 agents · ~13 GB (estimate)');
  });

  it('offers a Stop for each copy of a role that runs more than once', () => {
    const twice = snapshotAt(NOW, {
      agentProcesses: ok([
        agentProcess('test_lead', 5353),
        agentProcess('test_lead', 4243),
        agentProcess('senior_developer', 4242),
      ]),
    });
    const model = trayModel({ snapshot: twice, snoozedUntil: null, now: NOW, formatTime: hhmm });
    const lead = model.menu.find((item) => item.kind === 'submenu' && item.label.startsWith('Test Lead'));
    expect(lead?.kind === 'submenu' ? labels(lead.items).filter((label) => label.startsWith('Stop')) : null).toEqual([
      'Stop Test Lead (pid 4243)…',
      'Stop Test Lead (pid 5353)…',
    ]);
    expect(lead?.kind === 'submenu' ? lead.items.at(-1) : null).toEqual({
      kind: 'control',
      label: 'Stop Test Lead (pid 5353)…',
      request: { type: 'stop_agent', role: 'test_lead', pid: 5353 },
    });
  });

  it.each<[string, Snapshot | null, string, string]>([
    ['no reading yet', null, 'error', '? agents · ? GB'],
    [
      'nothing running',
      snapshotAt(NOW, { registry: ok(registryData([])), postgres: ok(postgresData([])) }),
      'idle',
      '0 agents · 0 GB',
    ],
    [
      'a light load',
      snapshotAt(NOW, { ollama: HELD, system: system({ totalBytes: 64 * GIB }) }),
      'low',
      '2 agents · 19.7 GB',
    ],
    ['a medium load', snapshotAt(NOW, { ollama: HELD }), 'medium', '2 agents · 19.7 GB'],
    [
      'a heavy load',
      snapshotAt(NOW, { ollama: HELD, system: system({ totalBytes: 24 * GIB }) }),
      'high',
      '2 agents · 19.7 GB',
    ],
    // An estimate is no measured share of RAM: the icon reads the agent count, as the seed does.
    [
      'an estimated load',
      snapshotAt(NOW, { system: system({ totalBytes: 24 * GIB }) }),
      'low',
      '2 agents · ~19.7 GB (estimate)',
    ],
    [
      'models Ollama does not hold',
      snapshotAt(NOW, { ollama: ok({ models: [] }), system: system({ totalBytes: 24 * GIB }) }),
      'low',
      '2 agents · 0 GB',
    ],
    ['a source down', staleSnapshot(), 'stale', '2 agents · ~19.7 GB (estimate)'],
    [
      'nothing readable',
      snapshotAt(NOW, { postgres: failed('refused'), registry: failed('refused') }),
      'error',
      '? agents · ? GB',
    ],
  ])('shows %s', (_name, snapshot, icon, title) => {
    const model = trayModel({ snapshot, snoozedUntil: null, now: NOW, formatTime: hhmm });
    expect([model.icon, model.title]).toEqual([icon, title]);
  });

  it.each<[string, Snapshot, string[]]>([
    [
      'nothing loaded, 22.1 GB free',
      snapshotAt(NOW, {
        registry: ok(registryData([])),
        postgres: ok(postgresData([])),
        system: system({ freeBytes: gib(22.1) }),
      }),
      [
        'strategic would not fit: +55 GB, 22 GB free',
        'technical would not fit: +39.7 GB, 22 GB free',
        'operations would not fit: +40 GB, 22 GB free',
        'product would not fit: +33 GB, 22 GB free',
      ],
    ],
    [
      'the big model loaded in Ollama and idle: evicted to make room for the categories that do not use it',
      snapshotAt(NOW, { ollama: ok({ models: [ollamaModel('deepseek-coder:33b', 18.5)] }) }),
      ['strategic would not fit: +22 GB, 16 GB free'],
    ],
    [
      'room for every category',
      snapshotAt(NOW, { system: system({ totalBytes: 128 * GIB, freeBytes: 100 * GIB }) }),
      [],
    ],
    ['free memory unknown: no claim', snapshotAt(NOW, { system: system({ totalBytes: 0, freeBytes: 0 }) }), []],
    [
      'Ollama failing, so what it holds is unknown: no claim',
      snapshotAt(NOW, { ollama: failed('refused'), system: system({ freeBytes: 1 * GIB }) }),
      [],
    ],
  ])('warns of categories that would not fit: %s', (_name, snapshot, lines) => {
    const model = trayModel({ snapshot, snoozedUntil: null, now: NOW, formatTime: hhmm });
    expect(labels(model.menu).filter((label) => label.includes('would not fit'))).toEqual(lines);
  });

  it('keeps the same menu from one poll to the next while only seconds pass, so an open menu is not rebuilt', () => {
    const maker = new SnapshotMaker();
    const menuAt = (now: number) =>
      trayModel({ snapshot: maker.next(now), snoozedUntil: null, now, formatTime: hhmm }).menu;
    expect(menuAt(NOW + 5000)).toEqual(menuAt(NOW));
  });

  it('before any snapshot, waits; a monitor that could not start says why, and that line opens the settings', () => {
    const waiting = trayModel({ snapshot: null, snoozedUntil: null, now: NOW, formatTime: hhmm });
    expect([waiting.title, waiting.tooltip, waiting.icon, waiting.menu[2]]).toEqual([
      '? agents · ? GB',
      'Delegator Monitor: ? agents · ? GB',
      'error',
      { kind: 'info', label: 'Waiting for the first reading' },
    ]);
    const reason = 'Invalid configuration: DATABASE_URL is not a PostgreSQL URL';
    const failedStart = trayModel({
      snapshot: null,
      startError: reason,
      snoozedUntil: null,
      now: NOW,
      formatTime: hhmm,
    });
    expect([failedStart.title, failedStart.tooltip, failedStart.icon]).toEqual([
      '? agents · ? GB',
      'Delegator Monitor: could not start',
      'error',
    ]);
    expect(failedStart.menu[2]).toEqual({
      kind: 'action',
      action: 'settings',
      label: `Could not start: ${reason}`,
      enabled: true,
    });
    // A long reason is cut for the menu, and says so.
    const long = trayModel({
      snapshot: null,
      startError: 'x'.repeat(500),
      snoozedUntil: null,
      now: NOW,
      formatTime: hhmm,
    }).menu[2];
    expect(long?.kind === 'action' && [long.label.length, long.label.endsWith('…')]).toEqual([
      'Could not start: '.length + 100,
      true,
    ]);
  });

  it('lists at most 20 agents and says how many more the dashboard has; the snapshot keeps 200 of them', () => {
    const many = Array.from({ length: 300 }, (_, index) =>
      registryAgent(`role_${String(index).padStart(3, '0')}`, 'deepseek-coder:6.7b'),
    );
    const snapshot = snapshotAt(NOW, { registry: ok(registryData(many)) });
    expect([snapshot.agents?.length, snapshot.summary.activeAgents]).toEqual([200, 300]);
    const model = trayModel({ snapshot, snoozedUntil: null, now: NOW, formatTime: hhmm });
    expect(model.menu.filter((item) => item.kind === 'submenu' && item.label.startsWith('Role '))).toHaveLength(20);
    expect(model.menu).toContainEqual({
      kind: 'action',
      action: 'open',
      label: 'and 280 more agents in the dashboard…',
      enabled: true,
    });
  });

  it('says one agent, not one agents', () => {
    const one = snapshotAt(NOW, {
      registry: null,
      postgres: ok(postgresData([sessionRecord({ agents: ['senior_developer'] })])),
      ollama: HELD,
    });
    expect(summaryLine(one)).toBe('1 agent · 6.7 GB');
  });

  it('marks a total that holds an estimate as one, and an agent whose model Ollama does not hold as not loaded', () => {
    const partly = snapshotAt(NOW, { ollama: ok({ models: [ollamaModel('codellama:13b', 7.4)] }) });
    expect(partly.summary.memorySource).toBe('measured');
    const model = trayModel({ snapshot: partly, snoozedUntil: null, now: NOW, formatTime: hhmm });
    expect(model.title).toBe('2 agents · 7.4 GB');
    expect(labels(model.menu).slice(2, 4)).toEqual([
      'Senior Developer · deepseek-coder:6.7b · model not loaded · up 5m',
      'Test Lead · codellama:13b · 7.4 GB · up 5m',
    ]);
    // The VMs measured, Ollama not asked: the models' part is an estimate.
    const mixed = snapshotAt(NOW, {
      agentProcesses: ok([agentProcess('senior_developer', 4242), agentProcess('test_lead', 4243)]),
    });
    expect(mixed.summary.memorySource).toBe('mixed');
    expect(summaryLine(mixed)).toBe('2 agents · ~20.3 GB (estimate)');
  });

  it('offers Resume only while snoozed, and says until when', () => {
    const snoozed = trayModel({
      snapshot: snapshotAt(NOW, { ollama: HELD }),
      snoozedUntil: NOW + 3_600_000,
      now: NOW,
      formatTime: hhmm,
    });
    const resume = snoozed.menu.find((item) => item.kind === 'action' && item.action === 'resume');
    expect(resume).toEqual({
      kind: 'action',
      action: 'resume',
      label: 'Resume notifications (snoozed until 15:28)',
      enabled: true,
    });
    expect(snoozed.tooltip).toBe('Delegator Monitor: 2 agents · 19.7 GB (notifications snoozed)');
  });

  it("says in the tooltip when the machine's figures are the demo's simulated machine", () => {
    const simulated = trayModel({
      snapshot: snapshotAt(NOW, {
        ollama: HELD,
        system: system({ simulatedMachine: 'simulated machine: 64 GB RAM, 12 GB GPU' }),
      }),
      snoozedUntil: null,
      now: NOW,
      formatTime: hhmm,
    });
    expect(simulated.tooltip).toBe('Delegator Monitor: 2 agents · 19.7 GB (simulated machine: 64 GB RAM, 12 GB GPU)');
    expect(
      trayModel({ snapshot: snapshotAt(NOW, { ollama: HELD }), snoozedUntil: null, now: NOW, formatTime: hhmm })
        .tooltip,
    ).toBe('Delegator Monitor: 2 agents · 19.7 GB');
  });

  it("reads the seed's agent count when the memory share is unknown", () => {
    const snapshot = snapshotAt(NOW);
    expect(loadLevel({ ...snapshot, summary: { ...snapshot.summary, memoryPctOfRam: null, activeAgents: 6 } })).toBe(
      'high',
    );
  });
});

describe("the tray's agent lines", () => {
  /** The lines under the first agent's name, its process using this much memory and CPU. */
  function agentLines(processBytes: number, cpuPercent: number): string[] | null {
    const base = snapshotAt(NOW);
    const developer = base.agents?.[0];
    if (!developer) throw new Error('the fixture has agents');
    const snapshot = {
      ...base,
      agents: [
        {
          ...developer,
          pid: 4242,
          processAlive: true,
          cpuPercent,
          memory: { ...developer.memory, processBytes },
          heartbeat: { status: 'running', ageSeconds: 95, node: 'nonode@nohost', version: '0.1.0' },
          origins: ['heartbeat' as const, 'process' as const],
        },
      ],
    };
    const model = trayModel({ snapshot, snoozedUntil: null, now: NOW, formatTime: hhmm });
    const agent = model.menu.find((item) => item.kind === 'submenu');
    return agent?.kind === 'submenu' ? labels(agent.items).slice(1, 4) : null;
  }

  it("show the agent's process and heartbeat in words that do not change on every poll", () => {
    // An idle Erlang VM: 48 MiB resident, to the nearest 10 MB in the menu.
    expect(agentLines(48 * MIB, 37.4)).toEqual([
      'pid 4242 · process 50 MB · CPU ~40%',
      'Heartbeat silent 1m',
      'Seen by heartbeat, process',
    ]);
    // Its memory and CPU drifting from poll to poll leave the menu as it was.
    expect(agentLines(52 * MIB, 41.2)).toEqual(agentLines(48 * MIB, 37.4));
    expect(agentLines(45 * MIB, 35)).toEqual(agentLines(48 * MIB, 37.4));
  });

  it('show a process past a GB in GB', () => {
    expect(agentLines(gib(1.2), 2)?.[0]).toBe('pid 4242 · process 1.2 GB · CPU ~0%');
  });
});
