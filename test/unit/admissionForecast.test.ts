import { describe, expect, it } from 'vitest';
import {
  forecastAdmissions,
  knownFreeBytes,
  rememberModelSizes,
  type ForecastAgent,
  type ForecastInput,
} from '../../src/main/core/admissionForecast';
import { CATEGORY_AGENTS } from '../../src/main/core/echoRoster';
import { forecastLine, trayWarns, wouldNotFitLine } from '../../src/shared/forecastText';
import type { ResidentForecast } from '../../src/main/core/modelUnloads';
import { modelLimitOf } from '../../src/main/core/ollamaScheduler';
import { parseKeepAlive } from '../../src/shared/ollamaKeepAlive';
import type { OllamaModel } from '../../src/main/core/readings';
import type { CategoryForecast } from '../../src/shared/forecast';
import { gib } from '../support/bytes';
import { GIB, ok, ollamaModel, postgresData, registryData, system } from '../support/readings';
import { SnapshotMaker, snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T14:28:28Z');

/** Models' figures in GB, each as whole bytes, added: what a category needs, to the byte. */
const bytes = (...gbs: number[]): number => gbs.reduce((sum, gb) => sum + gib(gb), 0);

/** A model Ollama reports holding, its size given in GB and kept as Ollama gives it: whole bytes. */
const held = (name: string, gb: number, expiresAt: number | null = null): OllamaModel => ({
  ...ollamaModel(name, gb, expiresAt),
  sizeBytes: gib(gb),
});

/** The technical category's need with nothing loaded: deepseek-coder:33b once, and deepseek-coder:6.7b. */
const TECHNICAL = bytes(33, 6.7);

const running = (role: string, model: string, overrides: Partial<ForecastAgent> = {}): ForecastAgent => ({
  role,
  model,
  status: 'running',
  processAlive: null,
  ...overrides,
});

function needs(input: Partial<ForecastInput>): Record<string, number> {
  const forecast = forecastAdmissions({ loadedModels: [], agents: [], freeBytes: gib(22.1), ...input });
  return Object.fromEntries(forecast.categories.map((entry) => [entry.category, entry.needBytes]));
}

describe('forecastAdmissions', () => {
  it('covers ECHO’s seven categories with their agents, in ECHO’s order', () => {
    const forecast = forecastAdmissions({ loadedModels: [], agents: [], freeBytes: gib(22.1) });
    expect(forecast.categories.map((entry) => [entry.category, entry.agents])).toEqual(Object.entries(CATEGORY_AGENTS));
  });

  it.each<[string, Partial<ForecastInput>, Record<string, number>]>([
    [
      'nothing loaded: every model at 1 GB per billion parameters, a model two roles share counted once',
      {},
      {
        strategic: bytes(14, 33, 8),
        technical: bytes(33, 6.7),
        development: bytes(6.7, 13),
        hr: bytes(14, 8),
        operations: bytes(7, 33),
        product: bytes(8, 14, 11),
        quick_fix: bytes(6.7),
      },
    ],
    [
      'a model Ollama holds adds nothing',
      { loadedModels: ['deepseek-coder:33b', 'qwen2.5:14b'] },
      {
        strategic: bytes(8),
        technical: bytes(6.7),
        development: bytes(6.7, 13),
        hr: bytes(8),
        operations: bytes(7),
        product: bytes(8, 11),
        quick_fix: bytes(6.7),
      },
    ],
    [
      'a model a running agent uses adds nothing',
      { agents: [running('senior_developer', 'deepseek-coder:6.7b'), running('test_lead', 'codellama:13b')] },
      {
        strategic: bytes(14, 33, 8),
        technical: bytes(33),
        development: 0,
        hr: bytes(14, 8),
        operations: bytes(7, 33),
        product: bytes(8, 14, 11),
        quick_fix: 0,
      },
    ],
    [
      'a stopping agent still holds its model',
      { agents: [running('cto', 'deepseek-coder:33b', { status: 'stopping' })] },
      {
        strategic: bytes(14, 8),
        technical: bytes(6.7),
        development: bytes(6.7, 13),
        hr: bytes(14, 8),
        operations: bytes(7),
        product: bytes(8, 14, 11),
        quick_fix: bytes(6.7),
      },
    ],
    [
      'an agent in error, or whose process is gone, is not counted as holding its model',
      {
        agents: [
          running('cto', 'deepseek-coder:33b', { status: 'error' }),
          running('test_lead', 'codellama:13b', { processAlive: false }),
        ],
      },
      {
        strategic: bytes(14, 33, 8),
        technical: bytes(33, 6.7),
        development: bytes(6.7, 13),
        hr: bytes(14, 8),
        operations: bytes(7, 33),
        product: bytes(8, 14, 11),
        quick_fix: bytes(6.7),
      },
    ],
    [
      'a running agent on another model than ECHO’s default: its role adds nothing',
      { agents: [running('senior_developer', 'qwen2.5-coder:7b')] },
      {
        strategic: bytes(14, 33, 8),
        technical: bytes(33),
        development: bytes(13),
        hr: bytes(14, 8),
        operations: bytes(7, 33),
        product: bytes(8, 14, 11),
        quick_fix: 0,
      },
    ],
    [
      'the user’s override by model, then by role',
      { overrides: { byModel: { 'deepseek-coder:33b': 20 }, byRole: { ceo: 10 } } },
      {
        strategic: bytes(10, 20, 8),
        technical: bytes(20, 6.7),
        development: bytes(6.7, 13),
        hr: bytes(10, 8),
        operations: bytes(7, 20),
        product: bytes(8, 10, 11),
        quick_fix: bytes(6.7),
      },
    ],
    [
      'two roles on one model with different overrides: the larger, once',
      { overrides: { byRole: { cto: 30, senior_architect: 35 } } },
      {
        strategic: bytes(14, 30, 8),
        technical: bytes(35, 6.7),
        development: bytes(6.7, 13),
        hr: bytes(14, 8),
        operations: bytes(7, 30),
        product: bytes(8, 14, 11),
        quick_fix: bytes(6.7),
      },
    ],
    [
      'Ollama’s measured size, where it reported the model, beats the estimate',
      {
        measuredBytes: new Map([
          ['deepseek-coder:33b', gib(18.5)],
          ['deepseek-coder:6.7b', gib(3.8)],
        ]),
      },
      {
        strategic: bytes(14, 18.5, 8),
        technical: bytes(18.5, 3.8),
        development: bytes(3.8, 13),
        hr: bytes(14, 8),
        operations: bytes(7, 18.5),
        product: bytes(8, 14, 11),
        quick_fix: bytes(3.8),
      },
    ],
  ])('%s', (_name, input, expected) => {
    expect(needs(input)).toEqual(expected);
  });

  it('matches a bare name Ollama reports to :latest, not to another tag', () => {
    const forecast = forecastAdmissions({
      loadedModels: ['mistral'],
      agents: [],
      freeBytes: gib(22.1),
      categories: { ops: ['operations_head'] },
    });
    expect(forecast.categories[0]?.needBytes).toBe(7 * GIB);
    const latest = forecastAdmissions({
      loadedModels: ['mistral'],
      agents: [running('operations_head', 'mistral:latest')],
      freeBytes: gib(22.1),
      categories: { ops: ['operations_head'] },
    });
    expect(latest.categories[0]?.needBytes).toBe(0);
  });

  it.each<[string, number | null, boolean | null, string]>([
    [
      'nothing loaded, too little free',
      gib(22.1),
      false,
      'technical: +39.7 GB, 22.1 GB free, will not fit (17.6 GB short)',
    ],
    ['room enough', 64 * GIB, true, 'technical: +39.7 GB, 64 GB free, fits'],
    ['exactly enough, to the byte', TECHNICAL, true, 'technical: +39.7 GB, 39.7 GB free, fits'],
    ['free memory unknown: no verdict, never a zero', null, null, 'technical: +39.7 GB, free memory unknown'],
  ])('says whether it fits: %s', (_name, freeBytes, fits, line) => {
    const technical = forecastAdmissions({ loadedModels: [], agents: [], freeBytes }).categories[1];
    expect(technical).toEqual({
      category: 'technical',
      agents: ['cto', 'senior_architect', 'senior_developer'],
      needBytes: TECHNICAL,
      needRamBytes: TECHNICAL,
      needVramBytes: 0,
      freeBytes,
      freeVramBytes: null,
      fits,
      verdict: fits === null ? null : fits ? 'fits' : 'will-not-fit',
      evicting: [],
      modelLimit: null,
      fitsLater: null,
    });
    expect(technical && forecastLine(technical, NOW)).toBe(line);
  });

  it('keeps the figures exact and judges by them: one byte short does not fit, though both read 7.1 GB', () => {
    const quickFix = (freeBytes: number) =>
      forecastAdmissions({
        loadedModels: [],
        agents: [],
        freeBytes,
        categories: { quick_fix: ['senior_developer'] },
        overrides: { byRole: { senior_developer: 7.06 } },
      }).categories[0];
    const need = gib(7.06);
    expect(quickFix(need - 1)).toMatchObject({
      needBytes: need,
      freeBytes: need - 1,
      fits: false,
      verdict: 'will-not-fit',
    });
    expect(quickFix(need)).toMatchObject({ needBytes: need, freeBytes: need, fits: true, verdict: 'fits' });
    const short = quickFix(need - 1);
    expect(short && forecastLine(short, NOW)).toBe('quick_fix: +7.1 GB, 7.1 GB free, will not fit (under 1 MB short)');
  });

  it('writes the tray’s warning', () => {
    const technical = forecastAdmissions({ loadedModels: [], agents: [], freeBytes: gib(22.1) }).categories[1];
    expect(technical && wouldNotFitLine(technical, NOW)).toBe('technical would not fit: +39.7 GB, 22 GB free');
  });
});

describe('the verdict follows Ollama’s scheduler', () => {
  /** A model Ollama holds, of `gb` GB, `vramGb` of them in GPU memory. */
  const resident = (
    model: string,
    gb: number,
    options: { inSeconds?: number | null; usedBy?: string[]; vramGb?: number } = {},
  ): ResidentForecast => ({
    model,
    ramBytes: gib(gb) - gib(options.vramGb ?? 0),
    vramBytes: gib(options.vramGb ?? 0),
    usedBy: options.usedBy ?? [],
    unloadAt: options.inSeconds === null || options.inSeconds === undefined ? null : NOW + options.inSeconds * 1000,
    from: options.inSeconds === null || options.inSeconds === undefined ? null : 'ollama',
  });
  const technical = (input: Partial<ForecastInput>) =>
    forecastAdmissions({ loadedModels: [], agents: [], freeBytes: gib(22.1), ...input }).categories[1];

  it('fits after Ollama evicts idle models, in its order: the shortest keep-alive left first', () => {
    const entry = technical({
      residents: [
        resident('qwen2.5:14b', 14, { inSeconds: 250 }),
        resident('llama3.1:8b', 8, { inSeconds: 60 }),
        resident('mistral:latest', 4, { inSeconds: 400 }),
      ],
    });
    expect(entry).toMatchObject({
      verdict: 'fits-after-eviction',
      fits: true,
      evicting: [
        { model: 'llama3.1:8b', bytes: 8 * GIB },
        { model: 'qwen2.5:14b', bytes: 14 * GIB },
      ],
    });
    expect(entry && forecastLine(entry, NOW)).toBe(
      'technical: +39.7 GB, 22.1 GB free, fits after Ollama evicts idle llama3.1:8b and qwen2.5:14b (22 GB)',
    );
    expect(entry && trayWarns(entry)).toBe(false);
  });

  it('fits later, once models that running agents use unload, if nothing calls them: Ollama evicts only idle ones', () => {
    const entry = technical({
      residents: [
        resident('llama3.1:8b', 8, { inSeconds: 60, usedBy: ['chro'] }),
        resident('qwen2.5:14b', 14, { inSeconds: 250, usedBy: ['ceo'] }),
      ],
    });
    expect(entry).toMatchObject({
      verdict: 'fits-later',
      fits: false,
      fitsLater: { at: new Date(NOW + 250_000).toISOString(), unloading: ['llama3.1:8b', 'qwen2.5:14b'] },
    });
    expect(entry && forecastLine(entry, NOW)).toBe(
      'technical: +39.7 GB, 22.1 GB free, fits in 4m 10s, once llama3.1:8b and qwen2.5:14b unload, if nothing calls them',
    );
    expect(entry && forecastLine(entry, NOW + 200_000)).toContain('fits in 50s');
    expect(entry && wouldNotFitLine(entry, NOW)).toBe(
      'technical would not fit: +39.7 GB, 22 GB free; fits in 4m, once llama3.1:8b and qwen2.5:14b unload, if nothing calls them',
    );
  });

  it('counts neither a model the category uses (unloading it only moves the need) nor one kept for good', () => {
    expect(
      technical({ residents: [resident('deepseek-coder:6.7b', 20, { inSeconds: 60, usedBy: ['ceo'] })] })?.verdict,
    ).toBe('will-not-fit');
    expect(technical({ residents: [resident('qwen2.5:14b', 30, { inSeconds: null, usedBy: ['ceo'] })] })?.verdict).toBe(
      'will-not-fit',
    );
  });

  it('says fits only by swapping where macOS is under memory pressure, and will not fit where nothing frees enough', () => {
    const quickFix = (pressure: 'normal' | 'warn' | 'critical') =>
      forecastAdmissions({ loadedModels: [], agents: [], freeBytes: gib(22.1), pressure }).categories[6];
    expect(quickFix('normal')?.verdict).toBe('fits');
    expect(quickFix('warn')).toMatchObject({ verdict: 'only-by-swapping', fits: false });
    expect(quickFix('critical') && forecastLine(quickFix('critical') as CategoryForecast, NOW)).toBe(
      'quick_fix: +6.7 GB, 22.1 GB free, only by swapping: this Mac is under memory pressure',
    );
    expect(technical({ residents: [resident('llama3.1:8b', 8, { inSeconds: 60, usedBy: ['chro'] })] })?.verdict).toBe(
      'will-not-fit',
    );
  });

  it('is over Ollama’s model limit when the category needs more models than it keeps, or would push out one a running agent uses', () => {
    // Technical uses two models; with a limit of 1 they swap in and out on every call.
    expect(technical({ freeBytes: 64 * GIB, modelLimit: 1 })).toMatchObject({
      verdict: 'over-model-limit',
      fits: false,
      modelLimit: 1,
    });
    expect(technical({ freeBytes: 64 * GIB, modelLimit: 3 })?.verdict).toBe('fits');
    const busy = [resident('llama3.1:8b', 8, { usedBy: ['chro'] }), resident('qwen2.5:14b', 14, { usedBy: ['ceo'] })];
    const entry = technical({ freeBytes: 64 * GIB, modelLimit: 3, residents: busy });
    expect(entry?.verdict).toBe('over-model-limit');
    expect(entry && forecastLine(entry, NOW)).toBe(
      "technical: +39.7 GB, 64 GB free, over Ollama's model limit (3 loaded at once): models will swap in and out",
    );
    // Idle models are evicted to make room, within the limit.
    expect(
      technical({ freeBytes: 64 * GIB, modelLimit: 3, residents: busy.map((model) => ({ ...model, usedBy: [] })) })
        ?.verdict,
    ).toBe('fits');
  });

  it('makes no claim where free memory or what Ollama holds is unknown', () => {
    expect(technical({ freeBytes: null, residents: [resident('qwen2.5:14b', 30)] })).toMatchObject({
      verdict: null,
      fits: null,
    });
    expect(technical({ loadedKnown: false, residents: [resident('qwen2.5:14b', 30)] })).toMatchObject({
      verdict: null,
      fits: null,
    });
  });

  it('counts a model’s GPU share as GPU memory freed, which takes the need’s first part', () => {
    // 39.7 needed; 2 GB of GPU free and 30 GB of RAM: 37.7 GB of RAM needed. The 8 GB model frees 6 GB of GPU and 2 of
    // RAM.
    const entry = technical({
      freeBytes: 30 * GIB,
      freeVramBytes: 2 * GIB,
      residents: [resident('llama3.1:8b', 8, { vramGb: 6 })],
    });
    expect(entry).toMatchObject({
      needRamBytes: TECHNICAL - 2 * GIB,
      needVramBytes: 2 * GIB,
      verdict: 'fits-after-eviction',
      evicting: [{ model: 'llama3.1:8b', bytes: 8 * GIB }],
    });
  });
});

describe('Ollama’s scheduler settings', () => {
  it.each<[string, number | null | undefined]>([
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2.5h', 9_000_000],
    ['300', 300_000],
    ['-1', null],
    ['-1m', null],
    ['0', 0],
    ['soon', undefined],
    ['5 minutes', undefined],
  ])('reads OLLAMA_KEEP_ALIVE %s as Ollama does', (text, ms) => {
    expect(parseKeepAlive(text)).toBe(ms);
  });

  it('takes Ollama’s default model limit, 3 per dedicated GPU and 3 on the CPU or unified memory, unless OLLAMA_MAX_LOADED_MODELS is set', () => {
    expect(modelLimitOf({ maxLoadedModels: null, keepAliveMs: 300_000 }, 0)).toBe(3);
    expect(modelLimitOf({ maxLoadedModels: null, keepAliveMs: 300_000 }, 2)).toBe(6);
    expect(modelLimitOf({ maxLoadedModels: 2, keepAliveMs: 300_000 }, 1)).toBe(2);
  });
});

describe('knownFreeBytes', () => {
  it('reads the probe’s free memory, and nothing from a reading that cannot be right', () => {
    expect(knownFreeBytes(system({ freeBytes: gib(22.1) }))).toBe(gib(22.1));
    expect(knownFreeBytes(system({ totalBytes: 0, freeBytes: 0 }))).toBeNull();
    expect(knownFreeBytes(system({ freeBytes: Number.NaN }))).toBeNull();
  });
});

describe('rememberModelSizes', () => {
  it('keeps each model’s latest measured size, and the same map when nothing changed', () => {
    const first = rememberModelSizes(new Map(), [held('deepseek-coder:33b', 18.5), held('mistral', 4.1)]);
    expect([...first]).toEqual([
      ['deepseek-coder:33b', gib(18.5)],
      ['mistral:latest', gib(4.1)],
    ]);
    expect(rememberModelSizes(first, [held('deepseek-coder:33b', 18.5)])).toBe(first);
    expect(rememberModelSizes(first, [])).toBe(first);
    expect(rememberModelSizes(first, [held('deepseek-coder:33b', 0)])).toBe(first);
    expect(rememberModelSizes(first, [{ ...held('deepseek-coder:33b', 0), sizeBytes: null }])).toBe(first);
    // A change of one byte is a new size: nothing is rounded away.
    expect(
      rememberModelSizes(first, [{ ...held('deepseek-coder:33b', 18.5), sizeBytes: gib(18.5) + 1 }]).get(
        'deepseek-coder:33b',
      ),
    ).toBe(gib(18.5) + 1);
    expect(rememberModelSizes(first, [held('deepseek-coder:33b', 19)]).get('deepseek-coder:33b')).toBe(19 * GIB);
  });
});

describe('the forecast in the snapshot', () => {
  const byCategory = (forecast: { categories: ReadonlyArray<{ category: string }> }) =>
    Object.fromEntries(forecast.categories.map((entry) => [entry.category, entry]));

  it('is computed with each poll from the agents, Ollama and the free memory', () => {
    const snapshot = snapshotAt(NOW, { ollama: ok({ models: [held('deepseek-coder:33b', 18.5)] }) });
    const forecast = byCategory(snapshot.forecast);
    // The senior developer and the test lead run; Ollama holds the 33b model; 16 GB free.
    expect(forecast.technical).toEqual({
      category: 'technical',
      agents: ['cto', 'senior_architect', 'senior_developer'],
      needBytes: 0,
      needRamBytes: 0,
      needVramBytes: 0,
      freeBytes: 16 * GIB,
      freeVramBytes: null,
      fits: true,
      verdict: 'fits',
      evicting: [],
      modelLimit: 3,
      fitsLater: null,
    });
    expect(forecast.strategic).toMatchObject({ needBytes: bytes(14, 8), freeBytes: 16 * GIB, fits: false });
    expect(forecast.development).toMatchObject({ needBytes: 0, fits: true });
  });

  it('weighs what Ollama holds as its scheduler would: an idle model is evicted to make room', () => {
    const snapshot = snapshotAt(NOW, {
      ollama: ok({ models: [held('deepseek-coder:33b', 18.5), held('mistral:7b', 7, NOW + 90_000)] }),
    });
    // Strategic needs 22 GB against 16 free; mistral:7b, which no agent uses, is idle: Ollama evicts it.
    expect(byCategory(snapshot.forecast).strategic).toMatchObject({
      needBytes: bytes(14, 8),
      verdict: 'fits-after-eviction',
      evicting: [{ model: 'mistral:7b', bytes: 7 * GIB }],
    });
  });

  it('says when a category would fit, from Ollama’s expiry of a model a running agent uses', () => {
    // Two full GPUs: no GPU memory to spare, and room for 6 models, so Ollama's model limit is not what stops it.
    const gpu = system({ freeBytes: 16 * GIB, gpu: { totalBytes: 16 * GIB, usedBytes: 16 * GIB, count: 2 } });
    const snapshot = snapshotAt(NOW, {
      system: gpu,
      ollama: ok({ models: [held('deepseek-coder:33b', 18.5), held('codellama:13b', 7, NOW + 90_000)] }),
    });
    // The test lead runs on codellama:13b: not idle, but it unloads in 90 s if nothing calls it.
    expect(byCategory(snapshot.forecast).strategic).toMatchObject({
      needBytes: bytes(14, 8),
      verdict: 'fits-later',
      fitsLater: { at: new Date(NOW + 90_000).toISOString(), unloading: ['codellama:13b'] },
    });
  });

  it('forecasts a model Ollama has since unloaded at the size it measured', () => {
    const maker = new SnapshotMaker();
    maker.next(NOW, { ollama: ok({ models: [held('deepseek-coder:33b', 18.5)] }) });
    const later = maker.next(NOW + 5000, { ollama: ok({ models: [] }) });
    expect(byCategory(later.forecast).technical).toMatchObject({ needBytes: gib(18.5) });
  });

  it('claims nothing when the free memory reading fails', () => {
    const snapshot = snapshotAt(NOW, {
      registry: ok(registryData([])),
      postgres: ok(postgresData([])),
      system: system({ totalBytes: 0, freeBytes: 0 }),
    });
    expect(snapshot.forecast.categories.every((entry) => entry.freeBytes === null && entry.fits === null)).toBe(true);
    expect(byCategory(snapshot.forecast).technical).toMatchObject({ needBytes: TECHNICAL });
  });
});

describe('the forecast with Ollama not answering', () => {
  it('still says what fits, but makes no claim that a category will not fit', () => {
    const verdicts = (loadedKnown: boolean) =>
      Object.fromEntries(
        forecastAdmissions({ loadedModels: [], loadedKnown, agents: [], freeBytes: gib(22.1) }).categories.map(
          (entry) => [entry.category, entry.fits],
        ),
      );
    expect(verdicts(true)).toMatchObject({ technical: false, quick_fix: true });
    expect(verdicts(false)).toMatchObject({ technical: null, quick_fix: true });
  });

  it("is the snapshot's own judgement, so the tray and the dashboard agree", () => {
    const snapshot = snapshotAt(NOW, {
      ollama: { ok: false, error: 'refused' },
      system: system({ freeBytes: 1 * GIB }),
    });
    expect(snapshot.forecast.categories.every((entry) => entry.fits !== false)).toBe(true);
  });
});
