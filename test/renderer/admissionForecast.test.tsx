// @vitest-environment happy-dom
import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMonitorStore, type MonitorStore } from '../../src/renderer/src/store/monitorStore';
import { keepUnchangedParts } from '../../src/renderer/src/store/keepUnchangedParts';
import { selectForecastRows } from '../../src/renderer/src/store/selectors/forecastRows';
import type { Snapshot } from '../../src/shared/model';
import { showDashboard } from '../support/dashboard';
import { FakeMonitorApi } from '../support/fakeMonitorApi';
import { gib } from '../support/bytes';
import { GIB, ok, ollamaModel, postgresData, registryData, system } from '../support/readings';
import { SnapshotMaker, snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T14:28:28Z');
const NOTHING_RUNNING = { registry: ok(registryData([])), postgres: ok(postgresData([])) };

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

const show = (snapshot: Snapshot): Promise<void> => showDashboard(api, store, snapshot);

const forecastSection = (): HTMLElement => screen.getByRole('region', { name: 'Admission Forecast' });
const cells = (row: HTMLElement): Array<string | null> => [
  ...within(row)
    .getAllByRole('rowheader')
    .map((cell) => cell.textContent),
  ...within(row)
    .getAllByRole('cell')
    .map((cell) => cell.textContent),
];

describe('the admission forecast', () => {
  it('shows each category’s agents, what they need, what is free and whether it fits', async () => {
    await show(snapshotAt(NOW, { ...NOTHING_RUNNING, system: system({ freeBytes: gib(22.1) }) }));
    const section = forecastSection();
    expect(
      within(section)
        .getAllByRole('columnheader')
        .map((header) => header.textContent),
    ).toEqual(['Category', 'Agents', 'Needs', 'Free', 'Fits']);
    const rows = within(section).getAllByRole('row').slice(1);
    expect(rows.map(cells)).toEqual([
      ['strategic', 'CEO, CTO, Product Manager', '+55 GB', '22.1 GB', 'will not fit (32.9 GB short)'],
      ['technical', 'CTO, Senior Architect, Senior Developer', '+39.7 GB', '22.1 GB', 'will not fit (17.6 GB short)'],
      ['development', 'Senior Developer, Test Lead', '+19.7 GB', '22.1 GB', 'fits'],
      ['hr', 'CEO, CHRO', '+22 GB', '22.1 GB', 'fits'],
      ['operations', 'Operations Head, CTO', '+40 GB', '22.1 GB', 'will not fit (17.9 GB short)'],
      ['product', 'Product Manager, CEO, UI/UX Engineer', '+33 GB', '22.1 GB', 'will not fit (10.9 GB short)'],
      ['quick_fix', 'Senior Developer', '+6.7 GB', '22.1 GB', 'fits'],
    ]);
    // "Will not fit" is marked, not only written.
    expect(
      within(section)
        .getAllByText(/^will not fit/)
        .every((verdict) => verdict.classList.contains('status-error')),
    ).toBe(true);
    expect(
      within(section)
        .getAllByText('fits')
        .some((verdict) => verdict.classList.contains('status-error')),
    ).toBe(false);
  });

  it('counts down to when a category would fit, as a model a running agent uses unloads', async () => {
    // Two full GPUs: Ollama keeps 6 models loaded, so its limit does not decide here. The test lead runs on
    // codellama:13b.
    const gpu = system({ freeBytes: 16 * GIB, gpu: { totalBytes: 8 * GIB, usedBytes: 8 * GIB, count: 2 } });
    const ollama = ok({
      models: [ollamaModel('deepseek-coder:33b', 18.5), ollamaModel('codellama:13b', 7, NOW + 90_000)],
    });
    await show(snapshotAt(NOW, { system: gpu, ollama }));
    const strategic = within(forecastSection())
      .getAllByRole('row')
      .find((row) => row.dataset.category === 'strategic');
    if (!strategic) throw new Error('no strategic row');
    expect(cells(strategic).at(-1)).toBe('fits in 1m 30s, once codellama:13b unloads, if nothing calls it');
    expect(
      within(strategic)
        .getByText(/^fits in/)
        .classList.contains('status-error'),
    ).toBe(true);
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(within(strategic).getByText(/^fits in/).textContent).toBe(
      'fits in 1m 0s, once codellama:13b unloads, if nothing calls it',
    );
  });

  it('says which idle models Ollama would evict to make room', async () => {
    const ollama = ok({
      models: [ollamaModel('deepseek-coder:33b', 18.5), ollamaModel('mistral:7b', 7, NOW + 90_000)],
    });
    await show(snapshotAt(NOW, { ...NOTHING_RUNNING, ollama }));
    const strategic = within(forecastSection())
      .getAllByRole('row')
      .find((row) => row.dataset.category === 'strategic');
    expect(strategic && cells(strategic).at(-1)).toBe('fits after Ollama evicts idle mistral:7b (7 GB)');
  });

  it('says free memory is unknown rather than showing a zero or a verdict', async () => {
    await show(snapshotAt(NOW, { ...NOTHING_RUNNING, system: system({ totalBytes: 0, freeBytes: 0 }) }));
    const section = forecastSection();
    expect(within(section).getByRole('note').textContent).toBe(
      'Free memory is unknown: whether a category fits cannot be told.',
    );
    const technical = within(section).getAllByRole('row')[2];
    expect(technical && cells(technical)).toEqual([
      'technical',
      'CTO, Senior Architect, Senior Developer',
      '+39.7 GB',
      '—',
      'unknown',
    ]);
  });

  it('redraws only when the forecast changes, not with every snapshot', async () => {
    const maker = new SnapshotMaker();
    await show(maker.next(NOW));
    const renders: string[] = [];
    globalThis.__delegatorMonitorRenders = { count: (name) => renders.push(name) };
    try {
      // Five seconds on: uptimes and durations move, the forecast does not.
      act(() => {
        api.push(maker.next(NOW + 5000));
      });
      expect(renders.filter((name) => name === 'forecast')).toEqual([]);
      act(() => {
        api.push(maker.next(NOW + 10_000, { system: system({ freeBytes: 40 * GIB }) }));
      });
      expect(renders.filter((name) => name === 'forecast')).toEqual(['forecast']);
    } finally {
      globalThis.__delegatorMonitorRenders = undefined;
    }
    expect(within(forecastSection()).getAllByText('40 GB')).toHaveLength(7);
  });
});

describe('forecast selectors', () => {
  it('turns the forecast into rows', () => {
    const rows = selectForecastRows({
      categories: [
        {
          category: 'quick_fix',
          agents: ['senior_developer'],
          needBytes: 0,
          needRamBytes: 0,
          needVramBytes: 0,
          freeBytes: null,
          freeVramBytes: null,
          fits: null,
          verdict: null,
          evicting: [],
          modelLimit: null,
          fitsLater: null,
        },
      ],
    });
    expect(rows).toEqual([
      {
        category: 'quick_fix',
        agentsText: 'Senior Developer',
        needText: '+0 GB',
        freeText: '—',
        fits: null,
        verdictText: 'unknown',
        later: null,
      },
    ]);
  });

  it('keeps the earlier part while its content is equal', () => {
    const first: { forecast: { categories: string[] } | null } = keepUnchangedParts(null, {
      forecast: { categories: ['a'] },
    });
    expect(keepUnchangedParts(first, { forecast: { categories: ['a'] } }).forecast).toBe(first.forecast);
    const changed = { categories: ['b'] };
    expect(keepUnchangedParts(first, { forecast: changed }).forecast).toBe(changed);
    expect(keepUnchangedParts(first, { forecast: null }).forecast).toBeNull();
  });
});
