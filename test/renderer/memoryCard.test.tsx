// @vitest-environment happy-dom
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMonitorStore, type MonitorStore } from '../../src/renderer/src/store/monitorStore';
import { selectKpis, unloadText } from '../../src/renderer/src/store/selectors/cards';
import type { ResidentModel } from '../../src/shared/model';
import { gib } from '../support/bytes';
import { showDashboard } from '../support/dashboard';
import { FakeMonitorApi } from '../support/fakeMonitorApi';
import { failed, ok, ollamaModel, postgresData, registryData, type ReadingsOverrides } from '../support/readings';
import { SnapshotMaker, snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T14:28:28Z');
const MINUTE = 60_000;

/** No agent runs and no session is open: what the machine shows after a session ends. */
const idle = (overrides: ReadingsOverrides = {}): ReadingsOverrides => ({
  registry: ok(registryData([])),
  postgres: ok(postgresData([])),
  ...overrides,
});

/** Ollama still holding the session's models, each until its keep-alive runs out. */
const stillHeld = ok({
  models: [
    ollamaModel('deepseek-coder:33b', 18.9, NOW + 4 * MINUTE + 12_000),
    ollamaModel('qwen2.5:14b', 14.7, NOW + 2 * MINUTE),
  ],
});

let api: FakeMonitorApi;
let store: MonitorStore;

beforeEach(() => {
  api = new FakeMonitorApi();
  store = createMonitorStore(api);
});
afterEach(() => {
  cleanup();
});

const memoryCard = (): HTMLElement => {
  const card = within(screen.getByRole('region', { name: 'Resource summary' })).getByText('Memory Usage').parentElement;
  if (!card) throw new Error('no memory card');
  return card;
};

describe('the Memory card with no agent running', () => {
  it('says what Ollama still holds and when it lets go, not "100% savings" nor "estimated"', async () => {
    const snapshot = snapshotAt(NOW, idle({ ollama: stillHeld }));
    expect(snapshot.summary).toMatchObject({
      activeAgents: 0,
      savingsPct: null,
      residentModelsBytes: gib(18.9) + gib(14.7),
    });
    await showDashboard(api, store, snapshot);
    const card = memoryCard();
    expect(card.querySelector('.headline')?.textContent).toBe('0GB');
    expect(card.querySelector('.note')?.textContent).toBe(
      'No agent running · Ollama still holds 33.6 GB (the last unloads in 4m 12s)',
    );
    expect(card.textContent).not.toMatch(/savings|estimated|~/);
  });

  it('says so plainly where Ollama holds nothing, or could not be asked', () => {
    expect(selectKpis(snapshotAt(NOW, idle({ ollama: ok({ models: [] }) }))).memoryNote).toBe(
      'No agent running · Ollama holds no model',
    );
    expect(selectKpis(snapshotAt(NOW, idle()))).toMatchObject({
      memory: { text: '0 GB', stale: false },
      memoryNote: 'No agent running',
    });
  });

  it('says a model kept loaded is kept, and a time read before Ollama stopped answering is the last read', () => {
    const kept = snapshotAt(
      NOW,
      idle({ ollama: ok({ models: [ollamaModel('llama3.1:8b', 5.2, NOW + 300 * 365 * 24 * 60 * MINUTE)] }) }),
    );
    expect(selectKpis(kept).memoryNote).toBe('No agent running · Ollama still holds 5.2 GB (kept loaded)');
    const maker = new SnapshotMaker();
    maker.next(NOW, idle({ ollama: stillHeld }));
    const stale = maker.next(NOW + 5000, idle({ ollama: failed('Ollama: timeout') }));
    expect(selectKpis(stale).memoryNote).toBe('No agent running · Ollama still holds 33.6 GB (as last read)');
  });
});

describe('the Memory card with agents running', () => {
  it('keeps the savings against running every agent, and its source', () => {
    expect(selectKpis(snapshotAt(NOW)).memoryNote).toBe('79% savings vs all agents · estimated');
    expect(selectKpis(snapshotAt(NOW, { ollama: stillHeld })).memoryNote).toMatch(/^\d+% savings vs all agents · /);
  });
});

describe("the Memory card on the demo's simulated machine", () => {
  it('says whose RAM and GPU the figures are', () => {
    const simulated = snapshotAt(NOW, {
      system: {
        totalBytes: gib(64),
        freeBytes: gib(40),
        cpuPercent: 5,
        simulatedMachine: 'simulated machine: 64 GB RAM, 12 GB GPU',
      },
    });
    expect(selectKpis(simulated).memoryHint).toBe('simulated machine: 64 GB RAM, 12 GB GPU');
    expect(selectKpis(snapshotAt(NOW)).memoryHint).toBeNull();
  });
});

describe('unloadText', () => {
  const model = (unloadsInSeconds: number | null, staysLoaded = false): ResidentModel => ({
    name: 'm',
    sizeBytes: gib(4),
    sizeFrom: 'ollama',
    vramBytes: 0,
    ramBytes: gib(4),
    expiresAt: null,
    unloadsInSeconds,
    staysLoaded,
    usedBy: [],
  });

  it('gives one model its time, several the last one, and nothing it cannot know', () => {
    expect(unloadText([model(252)], 1)).toBe('unloads in 4m 12s');
    expect(unloadText([model(120), model(252)], 2)).toBe('the last unloads in 4m 12s');
    expect(unloadText([model(0)], 1)).toBe('unloading now');
    expect(unloadText([model(null, true), model(60)], 2)).toBe('some kept loaded');
    // A list cut short, or a model Ollama gave no expiry for: no time.
    expect(unloadText([model(60)], 3)).toBeNull();
    expect(unloadText([model(null)], 1)).toBeNull();
    expect(unloadText([], 0)).toBeNull();
  });
});
