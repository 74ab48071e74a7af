// @vitest-environment happy-dom
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { apiWithControlsShown, withControlsShown } from '../../src/renderer/src/api/shownText';
import { createMonitorStore } from '../../src/renderer/src/store/monitorStore';
import { showDashboard } from '../support/dashboard';
import { FakeMonitorApi } from '../support/fakeMonitorApi';
import { sessionRecord } from '../support/fixtures';
import { ok, postgresData } from '../support/readings';
import { snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T14:28:28Z');

afterEach(() => {
  cleanup();
});

describe('texts from sources on the dashboard', () => {
  it('shows a right-to-left override and terminal escapes as the command line does', async () => {
    const hostile = sessionRecord({
      description: 'Pay \u202Egnp.exe\u202C now \u001b]0;pwned\u0007',
      category: 'dev\nops',
    });
    const api = new FakeMonitorApi();
    const store = createMonitorStore(apiWithControlsShown(api));
    await showDashboard(api, store, snapshotAt(NOW, { postgres: ok(postgresData([hostile])) }));
    const card = within(screen.getByRole('region', { name: 'Active Sessions' }));
    expect(card.getByRole('heading', { level: 3 }).textContent).toBe(
      'Pay \\u202egnp.exe\\u202c now \\x1b]0;pwned\\x07',
    );
    expect(card.getByText('dev\\nops')).toBeTruthy();
    const text = document.body.textContent;
    for (const raw of ['\u001b', '\u0007', '\n', '\u202c', '\u202e']) expect(text.includes(raw)).toBe(false);
  });

  it('leaves what needs no escape as the very same objects, so nothing redraws for it', () => {
    const snapshot = snapshotAt(NOW);
    expect(withControlsShown(snapshot)).toBe(snapshot);
    const touched = withControlsShown({ ...snapshot, timeZone: 'UTC\u202E' });
    expect(touched.timeZone).toBe('UTC\\u202e');
    expect(touched.summary).toBe(snapshot.summary);
  });

  it('copies only the part that changed, keeping the order of keys and the other items as they were', () => {
    const untouched = { id: 1 };
    const record = { first: untouched, 'second\u202E': 'x', third: ['a', 'b\u0007', untouched] };
    const shown = withControlsShown(record) as unknown as Record<string, unknown>;
    expect(Object.keys(shown)).toEqual(['first', 'second\\u202e', 'third']);
    expect(shown.first).toBe(untouched);
    expect(shown.third).toEqual(['a', 'b\\x07', untouched]);
    expect((shown.third as unknown[])[2]).toBe(untouched);
    expect(record.third[1]).toBe('b\u0007');
  });
});
