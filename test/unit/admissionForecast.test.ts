import { describe, expect, it } from 'vitest';
import { forecastAdmissions, knownFreeGb, rememberModelSizes, type ForecastAgent, type ForecastInput } from '../../src/main/core/admissionForecast';
import { CATEGORY_AGENTS } from '../../src/main/core/echoRoster';
import { fitsLaterText, forecastLine, wouldNotFitLine } from '../../src/shared/forecastText';
import type { ModelUnload } from '../../src/main/core/modelUnloads';
import { GIB, ok, ollamaModel, postgresData, registryData, system } from '../support/readings';
import { SnapshotMaker, snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T14:28:28Z');

const running = (role: string, model: string, overrides: Partial<ForecastAgent> = {}): ForecastAgent => ({
  role,
  model,
  status: 'running',
  processAlive: null,
  ...overrides,
});

function needs(input: Partial<ForecastInput>): Record<string, number> {
  const forecast = forecastAdmissions({ loadedModels: [], agents: [], freeGb: 22.1, ...input });
  return Object.fromEntries(forecast.categories.map((entry) => [entry.category, entry.needGb]));
}

describe('forecastAdmissions', () => {
  it('covers ECHO’s seven categories with their agents, in ECHO’s order', () => {
    const forecast = forecastAdmissions({ loadedModels: [], agents: [], freeGb: 22.1 });
    expect(forecast.categories.map((entry) => [entry.category, entry.agents])).toEqual(Object.entries(CATEGORY_AGENTS));
  });

  it.each<[string, Partial<ForecastInput>, Record<string, number>]>([
    [
      'nothing loaded: every model at 1 GB per billion parameters, a model two roles share counted once',
      {},
      { strategic: 55, technical: 39.7, development: 19.7, hr: 22, operations: 40, product: 33, quick_fix: 6.7 },
    ],
    [
      'a model Ollama holds adds nothing',
      { loadedModels: ['deepseek-coder:33b', 'qwen2.5:14b'] },
      { strategic: 8, technical: 6.7, development: 19.7, hr: 8, operations: 7, product: 19, quick_fix: 6.7 },
    ],
    [
      'a model a running agent uses adds nothing',
      { agents: [running('senior_developer', 'deepseek-coder:6.7b'), running('test_lead', 'codellama:13b')] },
      { strategic: 55, technical: 33, development: 0, hr: 22, operations: 40, product: 33, quick_fix: 0 },
    ],
    [
      'a stopping agent still holds its model',
      { agents: [running('cto', 'deepseek-coder:33b', { status: 'stopping' })] },
      { strategic: 22, technical: 6.7, development: 19.7, hr: 22, operations: 7, product: 33, quick_fix: 6.7 },
    ],
    [
      'an agent in error, or whose process is gone, is not counted as holding its model',
      { agents: [running('cto', 'deepseek-coder:33b', { status: 'error' }), running('test_lead', 'codellama:13b', { processAlive: false })] },
      { strategic: 55, technical: 39.7, development: 19.7, hr: 22, operations: 40, product: 33, quick_fix: 6.7 },
    ],
    [
      'a running agent on another model than ECHO’s default: its role adds nothing',
      { agents: [running('senior_developer', 'qwen2.5-coder:7b')] },
      { strategic: 55, technical: 33, development: 13, hr: 22, operations: 40, product: 33, quick_fix: 0 },
    ],
    [
      'the user’s override by model, then by role',
      { overrides: { byModel: { 'deepseek-coder:33b': 20 }, byRole: { ceo: 10 } } },
      { strategic: 38, technical: 26.7, development: 19.7, hr: 18, operations: 27, product: 29, quick_fix: 6.7 },
    ],
    [
      'two roles on one model with different overrides: the larger, once',
      { overrides: { byRole: { cto: 30, senior_architect: 35 } } },
      { strategic: 52, technical: 41.7, development: 19.7, hr: 22, operations: 37, product: 33, quick_fix: 6.7 },
    ],
    [
      'Ollama’s measured size, where it reported the model, beats the estimate',
      { measuredGb: new Map([['deepseek-coder:33b', 18.5], ['deepseek-coder:6.7b', 3.8]]) },
      { strategic: 40.5, technical: 22.3, development: 16.8, hr: 22, operations: 25.5, product: 33, quick_fix: 3.8 },
    ],
  ])('%s', (_name, input, expected) => {
    expect(needs(input)).toEqual(expected);
  });

  it('matches a bare name Ollama reports to :latest, not to another tag', () => {
    const forecast = forecastAdmissions({
      loadedModels: ['mistral'],
      agents: [],
      freeGb: 22.1,
      categories: { ops: ['operations_head'] },
    });
    expect(forecast.categories[0]?.needGb).toBe(7);
    const latest = forecastAdmissions({ loadedModels: ['mistral'], agents: [running('operations_head', 'mistral:latest')], freeGb: 22.1, categories: { ops: ['operations_head'] } });
    expect(latest.categories[0]?.needGb).toBe(0);
  });

  it.each<[string, number | null, boolean | null, string]>([
    ['nothing loaded, too little free', 22.1, false, 'technical: +39.7 GB, 22.1 GB free, will not fit'],
    ['room enough', 64, true, 'technical: +39.7 GB, 64 GB free, fits'],
    ['exactly enough, as shown', 39.7, true, 'technical: +39.7 GB, 39.7 GB free, fits'],
    ['free memory unknown: no verdict, never a zero', null, null, 'technical: +39.7 GB, free memory unknown'],
  ])('says whether it fits: %s', (_name, freeGb, fits, line) => {
    const technical = forecastAdmissions({ loadedModels: [], agents: [], freeGb }).categories[1];
    expect(technical).toEqual({ category: 'technical', agents: ['cto', 'senior_architect', 'senior_developer'], needGb: 39.7, needRamGb: 39.7, needVramGb: 0, freeGb, freeVramGb: null, fits, fitsLater: null });
    expect(technical && forecastLine(technical, NOW)).toBe(line);
  });

  it('rounds figures to one decimal', () => {
    const forecast = forecastAdmissions({ loadedModels: [], agents: [], freeGb: 7.04, categories: { quick_fix: ['senior_developer'] }, overrides: { byRole: { senior_developer: 7.06 } } });
    expect(forecast.categories[0]).toMatchObject({ needGb: 7.1, freeGb: 7, fits: false });
  });

  it('writes the tray’s warning', () => {
    const technical = forecastAdmissions({ loadedModels: [], agents: [], freeGb: 22.1 }).categories[1];
    expect(technical && wouldNotFitLine(technical, NOW)).toBe('technical would not fit: +39.7 GB, 22 GB free');
  });
});

describe('when a category would fit, as loaded models unload', () => {
  const unload = (model: string, gb: number, inSeconds: number, vramGb = 0): ModelUnload => ({ model, ramGb: gb - vramGb, vramGb, at: NOW + inSeconds * 1000, from: 'ollama' });
  const technical = (input: Partial<ForecastInput>) => forecastAdmissions({ loadedModels: [], agents: [], freeGb: 22.1, ...input }).categories[1];

  it('is the first unload after which its need fits, naming every model unloaded by then', () => {
    const entry = technical({ unloads: [unload('llama3.1:8b', 8, 60), unload('qwen2.5:14b', 14, 250), unload('mistral:latest', 4, 400)] });
    expect(entry?.fitsLater).toEqual({ at: new Date(NOW + 250_000).toISOString(), unloading: ['llama3.1:8b', 'qwen2.5:14b'] });
    expect(entry && forecastLine(entry, NOW)).toBe('technical: +39.7 GB, 22.1 GB free, will not fit; fits in 4m 10s, once llama3.1:8b and qwen2.5:14b unload, if nothing calls them');
    expect(entry && forecastLine(entry, NOW + 200_000)).toContain('fits in 50s');
    expect(entry && wouldNotFitLine(entry, NOW)).toBe('technical would not fit: +39.7 GB, 22 GB free; fits in 4m, once llama3.1:8b and qwen2.5:14b unload, if nothing calls them');
  });

  it('does not count a model the category itself uses: unloading it only moves the need', () => {
    expect(technical({ unloads: [unload('deepseek-coder:6.7b', 20, 60)] })?.fitsLater).toBeNull();
  });

  it('says nothing when every unload together is still too little, or the category fits now', () => {
    expect(technical({ unloads: [unload('llama3.1:8b', 8, 60)] })?.fitsLater).toBeNull();
    expect(technical({ freeGb: 64, unloads: [unload('llama3.1:8b', 8, 60)] })).toMatchObject({ fits: true, fitsLater: null });
  });

  it('makes no claim where free memory or what Ollama holds is unknown', () => {
    expect(technical({ freeGb: null, unloads: [unload('qwen2.5:14b', 30, 60)] })?.fitsLater).toBeNull();
    expect(technical({ loadedKnown: false, unloads: [unload('qwen2.5:14b', 30, 60)] })?.fitsLater).toBeNull();
  });

  it('counts a model’s GPU share as GPU memory freed, which takes the need’s first part', () => {
    // 39.7 needed; 2 GB of GPU free and 30 GB of RAM: 37.7 GB of RAM needed. The 8 GB model frees 6 GB of GPU and 2 of RAM.
    const entry = technical({ freeGb: 30, freeVramGb: 2, unloads: [unload('llama3.1:8b', 8, 60, 6)] });
    expect(entry).toMatchObject({ needRamGb: 37.7, fits: false, fitsLater: { unloading: ['llama3.1:8b'] } });
  });

  it('names one model in the singular', () => {
    const entry = technical({ unloads: [unload('qwen2.5:14b', 20, 42)] });
    expect(entry && fitsLaterText(entry, NOW)).toBe('fits in 42s, once qwen2.5:14b unloads, if nothing calls it');
  });
});

describe('knownFreeGb', () => {
  it('reads the probe’s free memory, and nothing from a reading that cannot be right', () => {
    expect(knownFreeGb(system({ freeBytes: 22.1 * GIB }))).toBe(22.1);
    expect(knownFreeGb(system({ totalBytes: 0, freeBytes: 0 }))).toBeNull();
    expect(knownFreeGb(system({ freeBytes: Number.NaN }))).toBeNull();
  });
});

describe('rememberModelSizes', () => {
  it('keeps each model’s latest measured size, and the same map when nothing changed', () => {
    const first = rememberModelSizes(new Map(), [ollamaModel('deepseek-coder:33b', 18.5), ollamaModel('mistral', 4.1)]);
    expect([...first]).toEqual([['deepseek-coder:33b', 18.5], ['mistral:latest', 4.1]]);
    expect(rememberModelSizes(first, [ollamaModel('deepseek-coder:33b', 18.5)])).toBe(first);
    expect(rememberModelSizes(first, [])).toBe(first);
    expect(rememberModelSizes(first, [ollamaModel('deepseek-coder:33b', 0)])).toBe(first);
    expect(rememberModelSizes(first, [ollamaModel('deepseek-coder:33b', 19)]).get('deepseek-coder:33b')).toBe(19);
  });
});

describe('the forecast in the snapshot', () => {
  const byCategory = (forecast: { categories: ReadonlyArray<{ category: string }> }) =>
    Object.fromEntries(forecast.categories.map((entry) => [entry.category, entry]));

  it('is computed with each poll from the agents, Ollama and the free memory', () => {
    const snapshot = snapshotAt(NOW, { ollama: ok({ models: [ollamaModel('deepseek-coder:33b', 18.5)] }) });
    const forecast = byCategory(snapshot.forecast);
    // The senior developer and the test lead run; Ollama holds the 33b model; 16 GB free.
    expect(forecast.technical).toEqual({ category: 'technical', agents: ['cto', 'senior_architect', 'senior_developer'], needGb: 0, needRamGb: 0, needVramGb: 0, freeGb: 16, freeVramGb: null, fits: true, fitsLater: null });
    expect(forecast.strategic).toMatchObject({ needGb: 22, freeGb: 16, fits: false });
    expect(forecast.development).toMatchObject({ needGb: 0, fits: true });
  });

  it('says when a category would fit, from Ollama’s expiry of the models it holds', () => {
    const snapshot = snapshotAt(NOW, { ollama: ok({ models: [ollamaModel('deepseek-coder:33b', 18.5), ollamaModel('mistral:7b', 7, NOW + 90_000)] }) });
    // Strategic needs 22 GB against 16 free; mistral:7b, which none of its agents uses, frees 7 GB in 90 s.
    expect(byCategory(snapshot.forecast).strategic).toMatchObject({ needGb: 22, fits: false, fitsLater: { at: new Date(NOW + 90_000).toISOString(), unloading: ['mistral:7b'] } });
  });

  it('forecasts a model Ollama has since unloaded at the size it measured', () => {
    const maker = new SnapshotMaker();
    maker.next(NOW, { ollama: ok({ models: [ollamaModel('deepseek-coder:33b', 18.5)] }) });
    const later = maker.next(NOW + 5000, { ollama: ok({ models: [] }) });
    expect(byCategory(later.forecast).technical).toMatchObject({ needGb: 18.5 });
  });

  it('claims nothing when the free memory reading fails', () => {
    const snapshot = snapshotAt(NOW, { registry: ok(registryData([])), postgres: ok(postgresData([])), system: system({ totalBytes: 0, freeBytes: 0 }) });
    expect(snapshot.forecast.categories.every((entry) => entry.freeGb === null && entry.fits === null)).toBe(true);
    expect(byCategory(snapshot.forecast).technical).toMatchObject({ needGb: 39.7 });
  });
});

describe('the forecast with Ollama not answering', () => {
  it('still says what fits, but makes no claim that a category will not fit', () => {
    const verdicts = (loadedKnown: boolean) =>
      Object.fromEntries(forecastAdmissions({ loadedModels: [], loadedKnown, agents: [], freeGb: 22.1 }).categories.map((entry) => [entry.category, entry.fits]));
    expect(verdicts(true)).toMatchObject({ technical: false, quick_fix: true });
    expect(verdicts(false)).toMatchObject({ technical: null, quick_fix: true });
  });

  it('is the snapshot\'s own judgement, so the tray and the dashboard agree', () => {
    const snapshot = snapshotAt(NOW, { ollama: { ok: false, error: 'refused' }, system: system({ freeBytes: 1 * GIB }) });
    expect(snapshot.forecast.categories.every((entry) => entry.fits !== false)).toBe(true);
  });
});
