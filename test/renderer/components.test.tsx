// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMonitorStore, type MonitorStore } from '../../src/renderer/src/store/monitorStore';
import type { Snapshot } from '../../src/shared/model';
import { showDashboard } from '../support/dashboard';
import { FakeMonitorApi } from '../support/fakeMonitorApi';
import { sessionRecord } from '../support/fixtures';
import { gib, MIB } from '../support/bytes';
import {
  agentProcess,
  failed,
  ok,
  ollamaModel,
  postgresData,
  registryAgent,
  registryData,
  stats,
  system,
} from '../support/readings';
import { SnapshotMaker, snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T14:28:28Z');

let api: FakeMonitorApi;
let store: MonitorStore;

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['setInterval', 'clearInterval', 'Date'] });
  api = new FakeMonitorApi();
  store = createMonitorStore(api);
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const show = (snapshot: Snapshot | null): Promise<void> => showDashboard(api, store, snapshot);

const section = (name: string): HTMLElement => screen.getByRole('region', { name });

describe('the seed’s Delegator view', () => {
  it('shows the three summary cards', async () => {
    await show(snapshotAt(NOW));
    const cards = screen.getByRole('region', { name: 'Resource summary' });
    expect(within(cards).getByText('Active Agents').parentElement?.textContent).toBe('Active Agents2CPU: idle');
    // Ollama is not asked: the figure is an estimate, and its headline says so.
    expect(within(cards).getByText('Memory Usage').parentElement?.textContent).toBe(
      'Memory Usage~19.7GB79% savings vs all agents · estimated',
    );
    expect(within(cards).getByText('Active Sessions').parentElement?.textContent).toBe(
      'Active Sessions1Total today: 3',
    );
  });

  it('shows a total under a GB in MB, with MB as its unit', async () => {
    // Ollama holds neither model, so the total is the agents' own VMs: 30 MB and 18 MB, measured.
    await show(
      snapshotAt(NOW, {
        registry: ok(
          registryData([
            registryAgent('senior_developer', 'deepseek-coder:6.7b', { pid: 9 }),
            registryAgent('test_lead', 'codellama:13b', { pid: 10 }),
          ]),
        ),
        ollama: ok({ models: [] }),
        processes: new Map([
          [9, { alive: true, rssBytes: 30 * MIB }],
          [10, { alive: true, rssBytes: 18 * MIB }],
        ]),
      }),
    );
    const card = within(screen.getByRole('region', { name: 'Resource summary' })).getByText(
      'Memory Usage',
    ).parentElement;
    const headline = card?.querySelector('.headline');
    expect(headline?.firstChild?.textContent).toBe('48');
    expect(headline?.querySelector('.unit')?.textContent).toBe('MB');
    expect(card?.textContent).toBe('Memory Usage48MB79% savings vs all agents · reported');
  });

  it('says where swap is in use, and where the GPU may share this RAM, what to set', async () => {
    await show(snapshotAt(NOW, { system: system({ swapUsedBytes: gib(2.1), unifiedMemoryHint: true }) }));
    const card = within(screen.getByRole('region', { name: 'Resource summary' })).getByText(
      'Memory Usage',
    ).parentElement;
    expect([...(card?.querySelectorAll('.note') ?? [])].map((note) => note.textContent)).toEqual([
      '79% savings vs all agents · estimated · swap 2.1 GB in use',
      'GPU memory may be this RAM: set MONITOR_UNIFIED_MEMORY=on if it is',
    ]);
    // Without either, the card is the seed's (the first test): one note, no hint.
  });

  it('shows active sessions with category, start, a ticking duration, description, id and agents', async () => {
    await show(snapshotAt(NOW));
    const active = section('Active Sessions');
    expect(within(active).getByText('development')).toBeTruthy();
    expect(within(active).getByText('Implement password reset feature')).toBeTruthy();
    expect(within(active).getByText('session_1731355385_a1b2c3d4')).toBeTruthy();
    expect(
      within(active)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toContain('Senior Developer');
    expect(within(active).getByText(/Duration:/).textContent).toBe('Duration: 5m 23s');
    await act(async () => {
      await vi.advanceTimersByTimeAsync(2000);
    });
    expect(within(active).getByText(/Duration:/).textContent).toBe('Duration: 5m 25s');
  });

  it('says how many agents there are where it lists fewer, and nothing where it lists them all', async () => {
    const many = Array.from({ length: 300 }, (_, index) =>
      registryAgent(`role_${String(index).padStart(3, '0')}`, 'deepseek-coder:6.7b'),
    );
    await show(snapshotAt(NOW, { registry: ok(registryData(many)) }));
    const agents = section('Spawned Agents');
    expect(agents.querySelector('.panel-header p')?.textContent).toBe(
      'Agents currently running in memory · listing 200 of 300',
    );
    expect(within(agents).getAllByRole('row')).toHaveLength(201);
    expect(section('Active Sessions').querySelector('.panel-header p')?.textContent).toBe(
      'Currently running delegator sessions',
    );
  });

  it('says a session dated in the future is so, rather than a duration of 0s, and warns of it', async () => {
    const future = sessionRecord({ sessionId: 'from-2100', startedAt: '2100-01-01T00:00:00.000Z' });
    await show(snapshotAt(NOW, { postgres: ok(postgresData([future, sessionRecord()])) }));
    const card = section('Active Sessions').querySelector('[data-session-id="from-2100"]');
    expect(card?.textContent).toContain('Duration: dated in the future');
    expect(
      section('Active Sessions').querySelector(`[data-session-id="${sessionRecord().sessionId}"]`)?.textContent,
    ).toContain('Duration: 5m 23s');
    expect(
      store.getState().snapshot?.warnings.map((warning) => `${warning.kind}:${warning.sessionId ?? ''}`),
    ).toContain('session-dated-future:from-2100');
  });

  it('shows the spawned agents with initials, name and model, memory, uptime and spawn time', async () => {
    await show(snapshotAt(NOW));
    const agents = section('Spawned Agents');
    expect(
      within(agents)
        .getAllByRole('columnheader')
        .map((header) => header.textContent),
    ).toEqual(['Agent', 'Signals', 'Memory', 'Uptime', 'Actions']);
    const rows = within(agents).getAllByRole('row').slice(1);
    // The model sits under the name, "model" said to a screen reader; the spawn time under the uptime.
    expect(
      rows.map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((cell) => cell.textContent),
      ),
    ).toEqual([
      [
        'SESenior Developermodel deepseek-coder:6.7b',
        'N/Aseen by registry, session',
        '~6.7 GB estimate',
        expect.stringMatching(/^5m 23ssince \d\d:\d\d:\d\d$/),
        'Stop',
      ],
      [
        'TETest Leadmodel codellama:13b',
        'N/Aseen by registry, session',
        '~13 GB estimate',
        expect.stringMatching(/^5m 23ssince \d\d:\d\d:\d\d$/),
        'Stop',
      ],
    ]);
    // A model's name is whole on hover where the cell ends it in an ellipsis.
    expect(within(agents).getByText('codellama:13b').getAttribute('title')).toBe('codellama:13b');
  });

  it('flags memory drift between the estimate and Ollama', async () => {
    await show(snapshotAt(NOW, { ollama: ok({ models: [ollamaModel('deepseek-coder:6.7b', 3.8)] }) }));
    const agents = section('Spawned Agents');
    expect(within(agents).getByRole('note').textContent).toBe('43% below the estimate');
    expect(within(agents).getByRole('note').closest('td')?.textContent).toBe(
      '3.8 GB Ollamaestimate 6.7 GB43% below the estimate',
    );
  });

  it('says "No agents currently spawned" when none are', async () => {
    await show(snapshotAt(NOW, { registry: ok(registryData([])), postgres: ok(postgresData([])) }));
    expect(within(section('Spawned Agents')).getByText('No agents currently spawned')).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Active Sessions' })).toBeNull();
  });

  it('shows the history for a chosen date, with "Active" for a running session and the empty state', async () => {
    const snapshot = snapshotAt(NOW);
    api.histories.set('2026-11-20', [
      {
        ...sessionRecord({
          sessionId: 'old',
          category: 'hr',
          endedAt: '2026-11-20T10:05:00.000Z',
          startedAt: '2026-11-20T10:00:00.000Z',
          status: 'error',
        }),
        durationSeconds: 300,
      },
    ]);
    await show(snapshot);
    const history = section('Session History');
    expect(within(history).getAllByRole('row')[1]?.textContent).toContain('Active');
    const picker = within(history).getByLabelText('Date');
    await act(async () => {
      fireEvent.change(picker, { target: { value: '2026-11-20' } });
      await Promise.resolve();
    });
    const row = within(section('Session History')).getAllByRole('row')[1];
    expect(
      within(row as HTMLElement)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual([
      'hr',
      'Implement password reset feature',
      '2',
      '5m 0s',
      'error',
      expect.stringMatching(/^\d\d:\d\d:\d\d$/),
      'Timeline',
    ]);
    await act(async () => {
      fireEvent.change(picker, { target: { value: '2026-11-19' } });
      await Promise.resolve();
    });
    expect(within(section('Session History')).getByText('No sessions for this date')).toBeTruthy();
  });
});

describe('beyond the seed', () => {
  it('shows statistics for today, and for 7 days on request', async () => {
    api.stats = (from, to) => stats({ from, to, totalSessions: 21, statusBreakdown: { completed: 20, error: 1 } });
    await show(snapshotAt(NOW));
    const statistics = section('Statistics');
    expect(within(statistics).getByText('Sessions').nextSibling?.textContent).toBe('3');
    const week = within(statistics).getByRole('button', { name: '7 days' });
    await act(async () => {
      fireEvent.click(week);
      await Promise.resolve();
    });
    expect(week.getAttribute('aria-pressed')).toBe('true');
    expect(within(section('Statistics')).getByText('Sessions').nextSibling?.textContent).toBe('21');
    expect(within(section('Statistics')).getByText('Error rate').nextSibling?.textContent).toBe('5%');
  });

  it('shows alerts and reconciliation warnings', async () => {
    const maker = new SnapshotMaker();
    // Ollama holds the agents' models, so the memory alert has a measured figure to read, and a model no agent uses.
    const tight = {
      system: { totalBytes: 21 * 1024 ** 3, freeBytes: 8 * 1024 ** 3, cpuPercent: 5 },
      ollama: ok({
        models: [
          ollamaModel('deepseek-coder:6.7b', 6.7),
          ollamaModel('codellama:13b', 13),
          ollamaModel('qwen2.5:14b', 8.9),
        ],
      }),
    };
    maker.next(NOW, tight);
    maker.next(NOW + 5000, tight);
    await show(maker.next(NOW + 10_000, tight));
    const attention = section('Needs Attention');
    expect(within(attention).getByText(/Agents use 19.7 GB, 94% of this machine's 21 GB RAM/)).toBeTruthy();
    expect(within(attention).getByText(/Ollama holds qwen2.5:14b/)).toBeTruthy();
  });

  it("lists ECHO's open decisions and its workflows, and each agent's backlog", async () => {
    const at = (minutes: number): number => NOW - minutes * 60_000;
    const work = {
      tables: { messages: true, decisions: true, llmSessions: true, workflows: true, flows: true },
      agents: [
        {
          role: 'senior_developer',
          tasksToday: 2,
          tasksLastHour: 1,
          backlog: 2,
          waiting: [
            { id: 3, from: 'delegator', to: 'senior_developer', type: 'request', subject: 'Fix login', at: at(12) },
          ],
          failures: [],
          failuresTotal: 0,
          lastSent: null,
          llm: null,
        },
      ],
      openDecisions: [
        {
          id: 'd-1',
          type: 'budget_approval',
          initiator: 'ceo',
          participants: ['cto', 'chro'],
          mode: 'collaborative',
          status: 'pending',
          votes: 1,
          insertedAt: at(20),
        },
      ],
      openDecisionsTotal: 1,
      workflows: [
        {
          kind: 'flow' as const,
          id: 'f-1',
          name: 'Hiring',
          status: 'paused',
          pauseReason: 'awaiting approval',
          error: null,
          insertedAt: at(60),
          updatedAt: at(40),
        },
      ],
      workflowsTotal: 1,
      latestMessages: [],
      tasksPerDay: [{ date: '2026-11-24', count: 2 }],
    };
    await show(snapshotAt(NOW, { postgres: ok(postgresData(undefined, { work })) }));
    const panel = section('Decisions and Workflows');
    const decision = within(panel).getByRole('table', { name: 'Open decisions' });
    expect(within(decision).getByText('budget_approval')).toBeTruthy();
    expect(within(decision).getByText('1 of 2')).toBeTruthy();
    expect(within(decision).getByText('20m 0s')).toBeTruthy();
    expect(within(panel).getByRole('list', { name: 'Workflows' }).textContent).toContain(
      'Flow Hiring (awaiting approval)',
    );
    expect(section('Spawned Agents').textContent).toContain('2 waiting, oldest 12m 0s');
    expect(section('Needs Attention').textContent).toContain('Senior Developer has 2 tasks waiting, oldest 12m 0s');
  });

  it('says sessions are not recorded by an ECHO that keeps them in memory, rather than showing an empty panel', async () => {
    // Agents run, and no session was written in the last day.
    await show(snapshotAt(NOW, { postgres: ok(postgresData([])) }));
    expect(section('Active Sessions').textContent).toContain('Sessions are not recorded by this ECHO');
    // Nothing runs and nothing is on record: nothing to say, as in the seed.
    act(() => {
      api.push(snapshotAt(NOW + 5000, { postgres: ok(postgresData([])), registry: ok(registryData([])) }));
    });
    expect(screen.queryByRole('region', { name: 'Active Sessions' })).toBeNull();
  });

  it("offers a Stop for each copy of a role that runs more than once, and names ECHO's root", async () => {
    await show(
      snapshotAt(NOW, {
        agentProcesses: ok([
          agentProcess('test_lead', 5353, { orphaned: true }),
          agentProcess('test_lead', 4243),
          agentProcess('senior_developer', 4242),
        ]),
      }),
    );
    const agents = section('Spawned Agents');
    const lead = within(agents).getByText('Test Lead').closest('tr');
    if (!lead) throw new Error('no row for Test Lead');
    expect(within(lead).getAllByRole('button', { name: /^Stop/ })).toHaveLength(2);
    expect(within(lead).getByRole('button', { name: 'Stop Test Lead (pid 4243)' })).toBeTruthy();
    expect(within(lead).getByRole('button', { name: 'Stop Test Lead (pid 5353)' })).toBeTruthy();
    expect(lead.textContent).toContain('2 copies: pids 4243, 5353');
    expect(lead.textContent).toContain('pid 5353 orphaned');
    expect(agents.querySelector('.panel-header')?.textContent).toContain('ECHO root: /home/ana/echo');
  });

  it('shows the live event stream, newest first', async () => {
    await show(snapshotAt(NOW));
    act(() => {
      api.emit({
        id: 'a',
        at: '2026-11-24T14:28:30.000Z',
        type: 'agent_spawned',
        origin: 'registry',
        message: 'CTO spawned (deepseek-coder:33b)',
      });
      api.emit({
        id: 'b',
        at: '2026-11-24T14:28:31.000Z',
        type: 'agent_stopped',
        origin: 'monitor',
        message: 'Test Lead stopped after 5m 26s',
      });
      api.emit({
        id: 'c',
        at: '2026-11-24T14:28:32.000Z',
        type: 'task_delegated',
        origin: 'echo',
        message: 'Delegator → Senior Developer: Direct task: code_review',
        role: 'senior_developer',
      });
    });
    const log = screen.getByRole('log', { name: 'Event stream' });
    expect(
      within(log)
        .getAllByRole('listitem')
        .map((item) => item.textContent.replace(/^\S+ /, '')),
    ).toEqual([
      'Delegator → Senior Developer: Direct task: code_review',
      'Test Lead stopped after 5m 26s · seen by the monitor',
      'CTO spawned (deepseek-coder:33b)',
    ]);
    // What "seen by the monitor" means is a hover away.
    expect(
      within(log)
        .getByText(/seen by the monitor/)
        .getAttribute('title'),
    ).toMatch(/^Nobody announced this/);
  });

  it('greys stale numbers and says since when; never shows zeros for them', async () => {
    const maker = new SnapshotMaker();
    maker.next(NOW);
    await show(maker.next(NOW + 30_000, { postgres: failed('connect ECONNREFUSED 127.0.0.1:5433') }));
    const sources = screen.getByRole('list', { name: 'Sources' });
    expect(within(sources).getByText(/stale since/).textContent).toMatch(
      /^PostgreSQL stale since \d\d:\d\d:\d\d: connect ECONNREFUSED 127\.0\.0\.1:5433$/,
    );
    const sessionsCard = screen.getByText('Active Sessions', { selector: 'h3' }).parentElement;
    const number = sessionsCard?.querySelector('.headline');
    expect([number?.textContent, number?.classList.contains('stale')]).toEqual(['1', true]);
  });

  it('shows each alert receiver beside the sources, one that fails as failing, never as fine', async () => {
    const failingSince = new Date(NOW - 120_000).toISOString();
    await show({
      ...snapshotAt(NOW),
      receivers: [
        {
          name: 'ops',
          kind: 'webhook',
          minLevel: 'warning',
          state: 'ok',
          failingSince: null,
          lastError: null,
          lastOkAt: null,
          queued: 0,
          delivered: 3,
          dropped: 0,
        },
        {
          name: 'phone',
          kind: 'ntfy',
          minLevel: 'critical',
          state: 'failing',
          failingSince,
          lastError: 'answered HTTP 503',
          lastOkAt: null,
          queued: 2,
          delivered: 0,
          dropped: 1,
        },
      ],
    });
    const sources = screen.getByRole('list', { name: 'Sources' });
    expect(within(sources).getByText('Alerts to ops').parentElement?.textContent).toBe('Alerts to ops ok');
    const phone = within(sources).getByText('Alerts to phone').parentElement;
    expect(phone?.textContent).toMatch(
      /^Alerts to phone failing since \d\d:\d\d(:\d\d)?: answered HTTP 503, 2 queued$/,
    );
    expect(phone?.classList.contains('source-error')).toBe(true);
  });

  it('says what is unknown when PostgreSQL never answered but the registry did', async () => {
    await show(snapshotAt(NOW, { postgres: failed('password authentication failed') }));
    expect(screen.getByText('Sessions are unknown until PostgreSQL answers.')).toBeTruthy();
    expect(
      screen.getByText('Active Sessions', { selector: 'h3' }).parentElement?.querySelector('.headline')?.textContent,
    ).toBe('—');
  });

  it('shows the first-run screen when nothing can be read, pointing to the variables and the demo', async () => {
    await show(
      snapshotAt(NOW, {
        postgres: failed('connect ECONNREFUSED 127.0.0.1:5433'),
        registry: failed('Redis: connect ECONNREFUSED'),
      }),
    );
    const firstRun = section('Nothing to monitor yet');
    expect(firstRun.textContent).toContain('connect ECONNREFUSED 127.0.0.1:5433');
    // A web host has no settings screen: it is configured where it runs.
    expect(firstRun.textContent).toContain('set DATABASE_URL');
    expect(firstRun.textContent).toContain('npm run cli -- serve --demo');
    expect(within(firstRun).queryByRole('button')).toBeNull();
  });

  it('says the monitor could not start, and why, when the desktop app answers so', async () => {
    await show(null);
    await act(async () => {
      store.setState({
        connection: {
          status: 'lost',
          error: 'the monitor could not start: Invalid configuration: DB_PORT must be a port number (got "x")',
        },
      });
      await Promise.resolve();
    });
    const firstRun = section('The monitor could not start');
    expect(firstRun.textContent).toContain('Invalid configuration: DB_PORT must be a port number (got "x")');
    expect(firstRun.textContent).not.toContain('cannot reach');
  });

  it('says it is connecting before the first snapshot', async () => {
    await show(null);
    expect(screen.getByRole('status').textContent).toBe('Connecting to the monitor…');
  });
});

describe('re-rendering', () => {
  it('redraws only the row that changed when 50 sessions and 20 agents update', async () => {
    const roles = Array.from({ length: 20 }, (_, index) => `agent_${String(index).padStart(2, '0')}`);
    const sessions = Array.from({ length: 50 }, (_, index) =>
      sessionRecord({ sessionId: `s${String(index)}`, agents: [] }),
    );
    const readings = (gb: number) => ({
      postgres: ok(postgresData(sessions)),
      registry: ok(registryData(roles.map((role) => registryAgent(role, `${role}:7b`)))),
      ollama: ok({ models: roles.map((role, index) => ollamaModel(`${role}:7b`, index === 7 ? gb : 4)) }),
    });
    const maker = new SnapshotMaker();
    await show(maker.next(NOW, readings(4)));
    const counts = new Map<string, number>();
    globalThis.__delegatorMonitorRenders = { count: (name) => counts.set(name, (counts.get(name) ?? 0) + 1) };
    try {
      act(() => {
        api.push(maker.next(NOW + 5000, readings(5)));
      });
    } finally {
      globalThis.__delegatorMonitorRenders = undefined;
    }
    expect([...counts.keys()]).toEqual(['agent:agent_07']);
    // Ollama's figure, as it holds the model.
    expect(
      within(section('Spawned Agents')).getAllByRole('row')[8]?.querySelector('td.memory .strong')?.textContent,
    ).toBe('5 GB');
  });
});
