// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMonitorStore, type MonitorStore } from '../../src/renderer/src/store/monitorStore';
import type { Snapshot } from '../../src/shared/model';
import type { MonitorEvent } from '../../src/shared/monitorEvent';
import { showDashboard } from '../support/dashboard';
import { FakeMonitorApi } from '../support/fakeMonitorApi';
import { sessionRecord } from '../support/fixtures';
import { ok, ollamaModel, postgresData, registryAgent, registryData } from '../support/readings';
import { snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T14:28:28Z');
const SESSION = 'session_1731355385_a1b2c3d4';

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
const timelinePanel = (): HTMLElement => screen.getByRole('region', { name: 'Timeline' });

function event(
  at: string,
  type: MonitorEvent['type'],
  message: string,
  extra: Partial<MonitorEvent> = {},
): MonitorEvent {
  return { id: `${at}:${type}:${message}`, at, type, origin: 'monitor', message, ...extra };
}

/** The seed's session: its two agents spawned at its start, a model loaded, a task handed out and a decision opened. */
const SESSION_EVENTS: MonitorEvent[] = [
  event('2026-11-24T14:23:05.000Z', 'agent_spawned', 'Senior Developer spawned', { role: 'senior_developer' }),
  event('2026-11-24T14:23:06.000Z', 'agent_spawned', 'Test Lead spawned', { role: 'test_lead' }),
  event('2026-11-24T14:23:30.000Z', 'model_loaded', 'Ollama loaded codellama:13b (7.4 GB)', {
    model: 'codellama:13b',
  }),
  event('2026-11-24T14:24:00.000Z', 'task_delegated', 'Delegator → Test Lead: Write the reset tests', {
    origin: 'echo',
    role: 'test_lead',
  }),
  event('2026-11-24T14:26:00.000Z', 'decision_new', 'Decision release opened by Test Lead, id d1', { origin: 'echo' }),
  event('2026-11-24T14:27:00.000Z', 'agent_stopped', 'Test Lead stopped after 3m 54s', { role: 'test_lead' }),
];

describe("a session's timeline", () => {
  it("opens from the active session's Timeline button, takes the keyboard there, and shows its agents, model and marks", async () => {
    api.events = [...SESSION_EVENTS];
    // The test lead stopped, as the log says; the senior developer runs on.
    await show(
      snapshotAt(NOW, {
        registry: ok(registryData([registryAgent('senior_developer', 'deepseek-coder:6.7b')])),
        ollama: ok({ models: [ollamaModel('codellama:13b', 7.4)] }),
      }),
    );
    const card = screen.getByRole('region', { name: 'Active Sessions' });
    fireEvent.click(within(card).getByRole('button', { name: `Timeline of session ${SESSION}` }));
    const panel = timelinePanel();
    expect(document.activeElement).toBe(within(panel).getByRole('heading', { name: 'Timeline' }));
    expect(panel.textContent).toContain(`development session ${SESSION}: Implement password reset feature, running`);
    const figure = within(panel).getByRole('figure', { name: /^Timeline of session session_1731355385_a1b2c3d4, / });
    const rows = within(figure)
      .getAllByRole('toolbar')
      .map((row) => row.getAttribute('aria-labelledby'))
      .map((id) => document.getElementById(id ?? '')?.textContent);
    expect(rows).toEqual(['Senior Developer', 'Test Lead', 'codellama:13b', 'Tasks delegated', 'Decisions']);
    const agents = within(figure).getByRole('group', { name: 'Agents' });
    expect(
      within(agents)
        .getAllByRole('button')
        .map((bar) => bar.getAttribute('aria-label')),
    ).toEqual([
      'Senior Developer: spawned at 14:23:05, still running at 14:28:28',
      'Test Lead: spawned at 14:23:06, stopped at 14:27:00',
    ]);
    expect(
      within(figure).getByRole('button', { name: /^codellama:13b: loaded at 14:23:30, still loaded/ }),
    ).toBeTruthy();
    expect(within(panel).getByRole('list', { name: 'Timeline key' }).textContent).toContain('Task delegated (1)');
  });

  it('says what a picked mark is, and moves along a row with the arrow keys', async () => {
    api.events = [
      ...SESSION_EVENTS,
      event('2026-11-24T14:25:00.000Z', 'task_delegated', 'Delegator → Senior Developer: Fix the token expiry', {
        origin: 'echo',
      }),
    ];
    await show(snapshotAt(NOW));
    // Today's history lists the running session too: its row opens the same timeline.
    const history = screen.getByRole('region', { name: 'Session History' });
    fireEvent.click(within(history).getByRole('button', { name: `Timeline of session ${SESSION}` }));
    const tasks = within(timelinePanel()).getByRole('toolbar', { name: 'Tasks delegated' });
    const [first, second] = within(tasks).getAllByRole('button');
    // One stop per row: the first mark is reached with Tab, the rest with the arrows.
    expect([first?.tabIndex, second?.tabIndex]).toEqual([0, -1]);
    first?.focus();
    fireEvent.keyDown(tasks, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(second);
    expect([first?.tabIndex, second?.tabIndex]).toEqual([-1, 0]);
    fireEvent.click(second as HTMLElement);
    expect(second?.getAttribute('aria-pressed')).toBe('true');
    expect(within(timelinePanel()).getByRole('status').textContent).toBe(
      '14:25:00: Delegator → Senior Developer: Fix the token expiry',
    );
  });

  it("opens from the history's row, and says plainly when the session lies beyond the monitor's log", async () => {
    const past = {
      ...sessionRecord({ sessionId: 'old', startedAt: '2026-11-20T10:00:00.000Z' }),
      durationSeconds: 300,
    };
    api.histories.set('2026-11-20', [{ ...past, endedAt: '2026-11-20T10:05:00.000Z', status: 'completed' }]);
    api.events = [...SESSION_EVENTS];
    await show(snapshotAt(NOW));
    const history = screen.getByRole('region', { name: 'Session History' });
    await act(async () => {
      fireEvent.change(within(history).getByLabelText('Date'), { target: { value: '2026-11-20' } });
      await Promise.resolve();
    });
    fireEvent.click(within(history).getByRole('button', { name: 'Timeline of session old' }));
    const panel = timelinePanel();
    expect(within(panel).queryByRole('figure')).toBeNull();
    expect(within(panel).getByRole('note').textContent).toBe(
      "The monitor's event log does not reach back to session old: it keeps the newest 1,000 events, and the oldest it holds is from 2026-11-24 14:23:05. Its agents, models and tasks are not known.",
    );
  });
});

describe('a range, where ECHO records no sessions', () => {
  it('shows the last hour, or today, with a choice between them', async () => {
    api.events = [...SESSION_EVENTS];
    await show(snapshotAt(NOW, { postgres: ok(postgresData([])) }));
    const panel = timelinePanel();
    const hour = within(panel).getByRole('button', { name: 'Last hour' });
    expect(hour.getAttribute('aria-pressed')).toBe('true');
    expect(within(panel).getByRole('figure', { name: 'Timeline of the last hour, 13:28:28 to 14:28:28' })).toBeTruthy();
    // The log begins inside the hour: said, not left to look like an idle machine.
    expect(within(panel).getByRole('note').textContent).toBe(
      "The monitor's event log begins at 2026-11-24 14:23:05: what happened before then is not known (shaded).",
    );
    fireEvent.click(within(panel).getByRole('button', { name: 'Today' }));
    expect(within(panel).getByRole('button', { name: 'Today' }).getAttribute('aria-pressed')).toBe('true');
    expect(within(panel).getByRole('figure', { name: 'Timeline of today, 00:00:00 to 14:28:28' })).toBeTruthy();
  });

  it('says when nothing happened in the range', async () => {
    await show(snapshotAt(NOW, { postgres: ok(postgresData([])), registry: ok({ exists: false, agents: [] }) }));
    expect(timelinePanel().textContent).toContain('Nothing ran, loaded or was delegated in the last hour.');
  });
});
