// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMonitorStore, type MonitorStore } from '../../src/renderer/src/store/monitorStore';
import type { CommandOutcome } from '../../src/shared/commands';
import { showDashboard } from '../support/dashboard';
import { FakeMonitorApi } from '../support/fakeMonitorApi';
import { ok, ollamaModel } from '../support/readings';
import { snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T14:28:28Z');

let api: FakeMonitorApi;
let store: MonitorStore;

beforeEach(async () => {
  api = new FakeMonitorApi();
  store = createMonitorStore(api);
  await showDashboard(api, store, snapshotAt(NOW, { ollama: ok({ models: [ollamaModel('codellama:13b', 7.4)] }) }));
});
afterEach(() => {
  cleanup();
});

/** An answer the test hands over when it chooses. */
function heldAnswer(): { answer: (outcome: CommandOutcome) => Promise<void> } {
  let release: (outcome: CommandOutcome) => void = () => undefined;
  api.answerCommand = () =>
    new Promise((resolve) => {
      release = resolve;
    });
  return {
    answer: async (outcome) => {
      await act(async () => {
        release(outcome);
        await Promise.resolve();
      });
    },
  };
}

const agentRow = (name: string): HTMLElement => {
  const row = within(screen.getByRole('region', { name: 'Spawned Agents' }))
    .getByText(name)
    .closest('tr');
  if (!row) throw new Error(`no row for ${name}`);
  return row;
};

const statuses = (row: HTMLElement): string[] =>
  within(row)
    .getAllByRole('status')
    .map((status) => status.textContent);

describe('controls', () => {
  it('ask first, saying what they free, then show the command pending and done', async () => {
    const held = heldAnswer();
    fireEvent.click(within(agentRow('Test Lead')).getByRole('button', { name: 'Stop Test Lead' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Stop Test Lead' });
    expect(dialog.textContent).toContain(
      'Stop Test Lead: frees its Erlang VM; Ollama unloads codellama:13b (7.4 GB) once idle for its keep-alive (5 minutes by default). ECHO keeps the role registered until its delegator restarts.',
    );
    const confirm = within(dialog).getByRole('button', { name: 'Stop' });
    expect(document.activeElement).toBe(confirm);
    expect(api.sentCommands).toEqual([]);

    fireEvent.click(confirm);
    expect(api.sentCommands).toEqual([{ type: 'stop_agent', role: 'test_lead' }]);
    const pending = within(agentRow('Test Lead')).getByRole('button', { name: 'Stopping Test Lead…' });
    expect(pending.getAttribute('aria-disabled')).toBe('true');
    // The keyboard is back on the control, which holds it while the command is on its way.
    await act(async () => {
      await Promise.resolve();
    });
    expect(document.activeElement).toBe(pending);
    fireEvent.click(pending);
    expect(screen.queryByRole('alertdialog')).toBeNull();

    await held.answer({ ok: true, id: 'c1' });
    expect(statuses(agentRow('Test Lead'))).toContain('Test Lead stopped');
  });

  it("ask in a row of their own under the agent's, across the table, so the question never widens a column", () => {
    const opener = within(agentRow('Test Lead')).getByRole('button', { name: 'Stop Test Lead' });
    expect(opener.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(opener);
    const dialog = screen.getByRole('alertdialog', { name: 'Stop Test Lead' });
    const cell = dialog.closest('td');
    expect(cell?.parentElement).not.toBe(agentRow('Test Lead'));
    expect(cell?.parentElement?.previousElementSibling).toBe(agentRow('Test Lead'));
    expect(cell?.colSpan).toBe(
      within(screen.getByRole('region', { name: 'Spawned Agents' })).getAllByRole('columnheader').length,
    );
    // The control says its question is open, and where.
    expect(opener.getAttribute('aria-expanded')).toBe('true');
    expect(opener.getAttribute('aria-controls')).toBe(dialog.id);
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
    expect(opener.getAttribute('aria-expanded')).toBe('false');
  });

  it('send nothing when the question is cancelled or dismissed with Escape', () => {
    fireEvent.click(within(agentRow('Test Lead')).getByRole('button', { name: 'Stop Test Lead' }));
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(agentRow('Senior Developer')).getByRole('button', { name: 'Stop Senior Developer' }));
    fireEvent.keyDown(screen.getByRole('alertdialog'), { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(api.sentCommands).toEqual([]);
  });

  it('withdraw the question when the keyboard leaves it for elsewhere on the page', () => {
    fireEvent.click(within(agentRow('Test Lead')).getByRole('button', { name: 'Stop Test Lead' }));
    const dialog = screen.getByRole('alertdialog');
    fireEvent.blur(within(dialog).getByRole('button', { name: 'Stop' }), {
      relatedTarget: within(dialog).getByRole('button', { name: 'Cancel' }),
    });
    expect(screen.getByRole('alertdialog')).toBe(dialog);
    fireEvent.blur(within(dialog).getByRole('button', { name: 'Cancel' }), {
      relatedTarget: within(agentRow('Senior Developer')).getByRole('button', { name: 'Stop Senior Developer' }),
    });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(api.sentCommands).toEqual([]);
  });

  it.each<[string, CommandOutcome, string]>([
    [
      'a refusal in its own words',
      { ok: false, id: 'c', failure: 'refused', error: 'no such agent' },
      'Refused: no such agent',
    ],
    [
      'no answer',
      { ok: false, id: 'c', failure: 'no_answer', error: 'no answer from the delegator within 10 s' },
      'No answer from the delegator within 10 s',
    ],
    [
      'a command that could not be sent',
      { ok: false, id: 'c', failure: 'not_sent', error: 'Redis is not connected, so the command was not sent' },
      'Redis is not connected, so the command was not sent',
    ],
  ])('show %s', async (_name, outcome, text) => {
    const held = heldAnswer();
    const row = agentRow('Senior Developer');
    fireEvent.click(within(row).getByRole('button', { name: 'Stop Senior Developer' }));
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Stop' }));
    await held.answer(outcome);
    expect(statuses(agentRow('Senior Developer'))).toContain(text);
  });

  it('offer to unload only a model Ollama holds, and end a session from its card', async () => {
    expect(within(agentRow('Senior Developer')).queryByRole('button', { name: /^Unload/ })).toBeNull();
    fireEvent.click(within(agentRow('Test Lead')).getByRole('button', { name: 'Unload codellama:13b' }));
    expect(screen.getByRole('alertdialog').textContent).toContain(
      'Unload codellama:13b: frees ~7.4 GB now; Test Lead will load it again on its next request',
    );
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Unload' }));

    const card = within(screen.getByRole('region', { name: 'Active Sessions' }))
      .getByText('session_1731355385_a1b2c3d4')
      .closest('li');
    if (!card) throw new Error('no session card');
    fireEvent.click(within(card).getByRole('button', { name: 'End session session_1731355385_a1b2c3d4' }));
    // Ollama holds codellama:13b alone: Senior Developer's model is not loaded, so ending the session frees no more of
    // it.
    expect(screen.getByRole('alertdialog').textContent).toContain(
      'End development session session_1731355385_a1b2c3d4: stops Senior Developer and Test Lead, frees ~7.4 GB',
    );
    await act(async () => {
      fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'End session' }));
      await Promise.resolve();
    });
    expect(api.sentCommands).toEqual([
      { type: 'unload_model', model: 'codellama:13b' },
      { type: 'end_session', sessionId: 'session_1731355385_a1b2c3d4' },
    ]);
  });
});

describe('the export panel', () => {
  it('exports the last seven days of sessions as CSV unless told otherwise, and says where it went', async () => {
    const panel = within(screen.getByRole('region', { name: 'Export' }));
    expect(panel.getByLabelText<HTMLInputElement>('From').value).toBe('2026-11-18');
    expect(panel.getByLabelText<HTMLInputElement>('To').value).toBe('2026-11-24');
    fireEvent.change(panel.getByLabelText('What'), { target: { value: 'events' } });
    fireEvent.change(panel.getByLabelText('Format'), { target: { value: 'json' } });
    await act(async () => {
      fireEvent.click(panel.getByRole('button', { name: 'Export' }));
      await Promise.resolve();
    });
    expect(api.exports).toEqual([{ from: '2026-11-18', to: '2026-11-24', what: 'events', format: 'json' }]);
    expect(panel.getByRole('status').textContent).toBe('Wrote 3 events to /exports/events.json');
  });

  it('will not export a range that runs backwards', () => {
    const panel = within(screen.getByRole('region', { name: 'Export' }));
    fireEvent.change(panel.getByLabelText('From'), { target: { value: '2026-11-24' } });
    fireEvent.change(panel.getByLabelText('To'), { target: { value: '2026-11-20' } });
    expect(panel.getByRole<HTMLButtonElement>('button', { name: 'Export' }).disabled).toBe(true);
    expect(panel.getByRole('status').textContent).toBe('The first day must not be after the last.');
  });
});
