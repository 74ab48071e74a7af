import { describe, expect, it } from 'vitest';
import {
  allAgentsMemoryBytes,
  indexModels,
  memoryTotals,
  modelMemoryNowBytes,
  readAgentMemory,
  residentModels,
  residentModelsBytes,
  savingsPct,
} from '../../src/main/core/memoryModel';
import type { OllamaModel } from '../../src/main/core/readings';
import { normalizeModel } from '../../src/shared/modelName';
import { gib, MIB } from '../support/bytes';
import { GIB, ollamaModel, registryAgent } from '../support/readings';

/** A model Ollama reports holding, its size given in GB and kept as Ollama gives it: whole bytes. */
const held = (name: string, gb: number, expiresAt: number | null = null): OllamaModel => ({
  ...ollamaModel(name, gb, expiresAt),
  sizeBytes: gib(gb),
});

/**
 * An agent's memory, in bytes; whether Ollama holds the model defaults to "could not be asked" unless Ollama gave a
 * figure.
 */
const memory = (
  estimatedBytes: number,
  ollamaBytes: number | null = null,
  processBytes: number | null = null,
  vramBytes: number | null = ollamaBytes === null ? null : 0,
  modelLoaded: boolean | null = ollamaBytes === null ? null : true,
) => ({ estimatedBytes, modelLoaded, ollamaBytes, vramBytes, processBytes });
/** A model Ollama answered this poll without: it holds none of it. */
const notLoaded = (estimatedBytes: number, processBytes: number | null = null) =>
  memory(estimatedBytes, null, processBytes, null, false);

describe('readAgentMemory', () => {
  it('puts the estimate, Ollama and the process side by side', () => {
    const reading = readAgentMemory(
      registryAgent('cto', 'deepseek-coder:33b', { pid: 77 }),
      indexModels([held('deepseek-coder:33b', 18.5)]),
      { alive: true, rssBytes: 2 * GIB },
    );
    expect(reading).toEqual({ memory: memory(gib(33), gib(18.5), 2 * GIB), processAlive: true });
  });

  it('says the model is not loaded when Ollama answered without it, and unknown when Ollama could not be asked', () => {
    const agent = registryAgent('cto', 'deepseek-coder:6.7b');
    expect(readAgentMemory(agent, indexModels([held('llama3.1:8b', 5.6)]), undefined).memory).toEqual(
      notLoaded(gib(6.7)),
    );
    expect(readAgentMemory(agent, indexModels([]), undefined).memory.modelLoaded).toBe(false);
    expect(readAgentMemory(agent, null, undefined).memory.modelLoaded).toBeNull();
  });

  it('matches a bare model name to its :latest tag', () => {
    const reading = readAgentMemory(
      registryAgent('ceo', 'mistral'),
      indexModels([held('mistral:latest', 4.1)]),
      undefined,
    );
    expect(reading.memory.ollamaBytes).toBe(gib(4.1));
    expect(normalizeModel('library/mistral')).toBe('library/mistral:latest');
    expect(normalizeModel('host:5000/team/mistral')).toBe('host:5000/team/mistral:latest');
  });

  it('reports a dead process as dead, with no memory', () => {
    const reading = readAgentMemory(registryAgent('cto', 'deepseek-coder:33b', { pid: 77 }), null, {
      alive: false,
      rssBytes: null,
    });
    expect(reading).toEqual({ memory: memory(gib(33)), processAlive: false });
  });

  it('applies user overrides to the estimate', () => {
    const reading = readAgentMemory(registryAgent('cto', 'deepseek-coder:33b'), null, undefined, {
      byRole: { cto: 20 },
    });
    expect(reading.memory.estimatedBytes).toBe(20 * GIB);
  });
});

describe('memoryTotals', () => {
  it('counts a model that serves two agents once', () => {
    const totals = memoryTotals([
      { role: 'cto', model: 'deepseek-coder:33b', memory: memory(gib(33)) },
      { role: 'senior_architect', model: 'deepseek-coder:33b', memory: memory(gib(33)) },
      { role: 'senior_developer', model: 'deepseek-coder:6.7b', memory: memory(gib(6.7)) },
    ]);
    const once = gib(33) + gib(6.7);
    expect(totals).toEqual({
      totalBytes: once,
      ramBytes: once,
      vramBytes: null,
      measuredBytes: 0,
      measuredRamBytes: null,
      estimatedBytes: once,
      source: 'estimated',
    });
  });

  it('never merges agents whose model is unknown', () => {
    const totals = memoryTotals([
      { role: 'analyst', model: 'unknown', memory: memory(5 * GIB) },
      { role: 'writer', model: 'unknown', memory: memory(5 * GIB) },
    ]);
    expect(totals.totalBytes).toBe(10 * GIB);
  });

  it('is measured when Ollama knows every model, mixed when it knows some', () => {
    const modelAndProcess = gib(0.8) + gib(0.2);
    expect(memoryTotals([{ role: 'cto', model: 'a:1b', memory: memory(gib(1), gib(0.8), gib(0.2)) }])).toEqual({
      totalBytes: modelAndProcess,
      ramBytes: modelAndProcess,
      vramBytes: 0,
      measuredBytes: modelAndProcess,
      measuredRamBytes: modelAndProcess,
      estimatedBytes: gib(1),
      source: 'measured',
    });
    const mixed = memoryTotals([
      { role: 'cto', model: 'a:1b', memory: memory(gib(1), gib(0.8)) },
      { role: 'ceo', model: 'b:2b', memory: memory(gib(2)) },
    ]);
    const measuredAndEstimated = gib(0.8) + gib(2);
    expect(mixed).toEqual({
      totalBytes: measuredAndEstimated,
      ramBytes: measuredAndEstimated,
      vramBytes: 0,
      measuredBytes: gib(0.8),
      measuredRamBytes: gib(0.8),
      estimatedBytes: gib(1) + gib(2),
      source: 'mixed',
    });
  });

  it('counts a model Ollama does not hold as 0, and as known', () => {
    const idle = memoryTotals([
      { role: 'cto', model: 'deepseek-coder:6.7b', memory: notLoaded(gib(6.7), 300 * MIB) },
      { role: 'ceo', model: 'llama3.1:8b', memory: notLoaded(gib(8), 300 * MIB) },
    ]);
    const processes = 2 * 300 * MIB;
    expect(idle).toEqual({
      totalBytes: processes,
      ramBytes: processes,
      vramBytes: null,
      measuredBytes: processes,
      measuredRamBytes: processes,
      estimatedBytes: gib(6.7) + gib(8),
      source: 'measured',
    });
    const oneLoaded = memoryTotals([
      { role: 'cto', model: 'deepseek-coder:6.7b', memory: memory(gib(6.7), gib(4.6)) },
      { role: 'ceo', model: 'llama3.1:8b', memory: notLoaded(gib(8)) },
    ]);
    expect(oneLoaded).toMatchObject({ totalBytes: gib(4.6), measuredRamBytes: gib(4.6), source: 'measured' });
  });

  it('estimates only the models Ollama could not be asked about, and never counts the estimate as measured', () => {
    const withProcesses = memoryTotals([
      { role: 'cto', model: 'deepseek-coder:6.7b', memory: memory(gib(6.7), null, 300 * MIB) },
    ]);
    const estimateAndProcess = gib(6.7) + 300 * MIB;
    expect(withProcesses).toEqual({
      totalBytes: estimateAndProcess,
      ramBytes: estimateAndProcess,
      vramBytes: null,
      measuredBytes: 300 * MIB,
      measuredRamBytes: 300 * MIB,
      estimatedBytes: gib(6.7),
      source: 'mixed',
    });
    const mixed = memoryTotals([
      { role: 'cto', model: 'deepseek-coder:6.7b', memory: notLoaded(gib(6.7)) },
      { role: 'ceo', model: 'llama3.1:8b', memory: memory(gib(8)) },
    ]);
    expect(mixed).toMatchObject({ totalBytes: gib(8), measuredBytes: 0, measuredRamBytes: 0, source: 'mixed' });
  });

  it('carries a small process to the byte, where 0.1 GB steps would have made it 0', () => {
    const reading = readAgentMemory(
      registryAgent('senior_developer', 'deepseek-coder:6.7b', { pid: 4242 }),
      indexModels([held('deepseek-coder:6.7b', 3.8)]),
      {
        alive: true,
        rssBytes: 48 * MIB,
      },
    );
    expect(reading.memory.processBytes).toBe(50_331_648);
    const totals = memoryTotals([{ role: 'senior_developer', model: 'deepseek-coder:6.7b', memory: reading.memory }]);
    expect(totals).toEqual({
      totalBytes: gib(3.8) + 50_331_648,
      ramBytes: gib(3.8) + 50_331_648,
      vramBytes: 0,
      measuredBytes: gib(3.8) + 50_331_648,
      measuredRamBytes: gib(3.8) + 50_331_648,
      estimatedBytes: gib(6.7),
      source: 'measured',
    });
    // A process alone, its model not loaded: the total is the process, not 0.
    expect(
      memoryTotals([{ role: 'senior_developer', model: 'deepseek-coder:6.7b', memory: notLoaded(gib(6.7), 48 * MIB) }]),
    ).toMatchObject({
      totalBytes: 50_331_648,
      measuredRamBytes: 50_331_648,
    });
  });

  it('is an exact zero for no agents', () => {
    expect(memoryTotals([])).toEqual({
      totalBytes: 0,
      ramBytes: 0,
      vramBytes: null,
      measuredBytes: 0,
      measuredRamBytes: 0,
      estimatedBytes: 0,
      source: 'measured',
    });
  });
});

describe('modelMemoryNowBytes', () => {
  it("is Ollama's figure while it holds the model, 0 when it does not, else the estimate", () => {
    expect(modelMemoryNowBytes(memory(gib(6.7), gib(4.6)))).toBe(gib(4.6));
    expect(modelMemoryNowBytes(notLoaded(gib(6.7)))).toBe(0);
    expect(modelMemoryNowBytes(memory(gib(6.7)))).toBe(gib(6.7));
  });
});

describe('savings vs all agents', () => {
  it('compares with every ECHO model loaded once, by the same rule', () => {
    // Every ECHO model once: 14 + 33 + 8 + 7 + 11 + 6.7 + 13 GB, each in whole bytes.
    const all = gib(14) + gib(33) + gib(8) + gib(7) + gib(11) + gib(6.7) + gib(13);
    expect(allAgentsMemoryBytes()).toBe(all);
    expect(savingsPct(gib(6.7), all, 1)).toBe(93);
    expect(savingsPct(all, all, 9)).toBe(0);
    expect(allAgentsMemoryBytes({ byModel: { 'deepseek-coder:33b': 20 } })).toBe(all - gib(33) + gib(20));
  });

  it('saves nothing with no agent running: there is nothing to compare', () => {
    // Not "100% savings": Ollama may still hold every model the last session loaded.
    expect(savingsPct(0, allAgentsMemoryBytes(), 0)).toBeNull();
    expect(savingsPct(0, 0, 2)).toBeNull();
  });
});

describe('RAM and GPU memory', () => {
  const split = [
    { role: 'cto', model: 'deepseek-coder:33b', memory: memory(gib(33), gib(20.3), gib(0.1), gib(12)) },
    { role: 'senior_developer', model: 'deepseek-coder:6.7b', memory: memory(gib(6.7), gib(4.6), gib(0.1), gib(4.6)) },
    { role: 'ceo', model: 'qwen2.5:14b', memory: memory(gib(14)) },
  ];
  // Measured models, the processes, and the estimate of the one Ollama could not be asked about.
  const total = gib(20.3) + gib(4.6) + 2 * gib(0.1) + gib(14);
  const inGpu = gib(12) + gib(4.6);

  it("counts only what Ollama did not put in a discrete GPU's memory against RAM, and the estimate where nothing was measured", () => {
    expect(memoryTotals(split)).toMatchObject({ totalBytes: total, ramBytes: total - inGpu, vramBytes: inGpu });
  });

  it('counts all of it against RAM where GPU memory is RAM (Apple Silicon)', () => {
    expect(memoryTotals(split, true)).toMatchObject({ totalBytes: total, ramBytes: total, vramBytes: inGpu });
  });

  it('shows a model kept loaded for good as staying, not as unloading in 2562047 hours', () => {
    const now = Date.parse('2026-11-24T15:00:00Z');
    const forever = { ...held('qwen2.5:14b', 10), vramBytes: 10 * GIB, expiresAt: Date.parse('2318-03-02T00:00:00Z') };
    const soon = held('mistral:7b', 4.9, now + 300_000);
    expect(
      residentModels([forever, soon], [], now).map(({ name, ramBytes, unloadsInSeconds, staysLoaded }) => ({
        name,
        ramBytes,
        unloadsInSeconds,
        staysLoaded,
      })),
    ).toEqual([
      { name: 'qwen2.5:14b', ramBytes: 0, unloadsInSeconds: null, staysLoaded: true },
      { name: 'mistral:7b', ramBytes: gib(4.9), unloadsInSeconds: 300, staysLoaded: false },
    ]);
  });
});

/**
 * A model an Ollama-compatible server lists with a size of 0 or none (Podman
 * AI Lab gives name, model, size and digest only): loaded, of unknown size.
 */
describe('a loaded model of unknown size', () => {
  const unsized = (name: string, vramBytes = 0) => ({ name, sizeBytes: null, vramBytes, expiresAt: null });

  it('is loaded, with no figure from Ollama, GPU share included: never 0 GB', () => {
    const reading = readAgentMemory(
      registryAgent('cto', 'deepseek-coder:33b'),
      indexModels([unsized('deepseek-coder:33b', 4 * GIB)]),
      undefined,
    );
    expect(reading.memory).toEqual(memory(gib(33), null, null, null, true));
    expect(modelMemoryNowBytes(reading.memory)).toBe(gib(33));
  });

  it('is counted at its estimate, in RAM, and makes the total an estimate in part', () => {
    const resident = indexModels([unsized('deepseek-coder:33b'), held('deepseek-coder:6.7b', 4.6)]);
    const agents = [
      registryAgent('cto', 'deepseek-coder:33b'),
      registryAgent('senior_developer', 'deepseek-coder:6.7b'),
    ].map((agent) => ({
      ...agent,
      memory: readAgentMemory(agent, resident, undefined).memory,
    }));
    const estimateAndMeasured = gib(33) + gib(4.6);
    expect(memoryTotals(agents)).toEqual({
      totalBytes: estimateAndMeasured,
      ramBytes: estimateAndMeasured,
      vramBytes: 0,
      measuredBytes: gib(4.6),
      measuredRamBytes: gib(4.6),
      estimatedBytes: gib(33) + gib(6.7),
      source: 'mixed',
    });
    // Only such models: nothing was read, so no share of RAM is claimed.
    expect(memoryTotals(agents.slice(0, 1))).toMatchObject({
      totalBytes: gib(33),
      vramBytes: null,
      measuredBytes: 0,
      measuredRamBytes: null,
      source: 'estimated',
    });
  });

  it("is listed at its agents' estimate, else the estimate by its name, all of it in RAM", () => {
    const now = Date.parse('2026-11-24T15:00:00Z');
    const listed = residentModels(
      [unsized('deepseek-coder:33b', 4 * GIB), unsized('qwen2.5:14b'), unsized('granite')],
      [registryAgent('cto', 'deepseek-coder:33b')],
      now,
    );
    expect(
      listed.map(({ name, sizeBytes, vramBytes, ramBytes, usedBy }) => ({
        name,
        sizeBytes,
        vramBytes,
        ramBytes,
        usedBy,
      })),
    ).toEqual([
      { name: 'deepseek-coder:33b', sizeBytes: 33 * GIB, vramBytes: 0, ramBytes: 33 * GIB, usedBy: ['cto'] },
      { name: 'qwen2.5:14b', sizeBytes: 14 * GIB, vramBytes: 0, ramBytes: 14 * GIB, usedBy: [] },
      // No size in its tag, no agent: the rule's 5 GB for an unknown model.
      { name: 'granite', sizeBytes: 5 * GIB, vramBytes: 0, ramBytes: 5 * GIB, usedBy: [] },
    ]);
    expect(
      residentModels([unsized('qwen2.5:14b')], [], now, false, { byModel: { 'qwen2.5:14b': 9 } })[0]?.sizeBytes,
    ).toBe(9 * GIB);
    expect(residentModels([unsized('deepseek-coder:6.7b')], [], now)[0]?.sizeBytes).toBe(gib(6.7));
  });

  it('says where each size comes from: the estimate where Ollama gave none, else Ollama', () => {
    const now = Date.parse('2026-11-24T15:00:00Z');
    const listed = residentModels([unsized('deepseek-coder:33b'), held('deepseek-coder:6.7b', 3.8)], [], now);
    expect(listed.map(({ name, sizeBytes, sizeFrom }) => ({ name, sizeBytes, sizeFrom }))).toEqual([
      { name: 'deepseek-coder:33b', sizeBytes: 33 * GIB, sizeFrom: 'estimate' },
      { name: 'deepseek-coder:6.7b', sizeBytes: gib(3.8), sizeFrom: 'ollama' },
    ]);
  });

  it('leaves the total of every loaded model unknown, never short of it', () => {
    const sized = [held('deepseek-coder:6.7b', 4.6), held('codellama:13b', 7.4)];
    expect(residentModelsBytes({ models: sized, total: 3, unlistedBytes: 1 * GIB })).toBe(gib(4.6) + gib(7.4) + GIB);
    expect(residentModelsBytes({ models: [unsized('granite'), ...sized], total: 3, unlistedBytes: 0 })).toBeNull();
    expect(residentModelsBytes({ models: [], total: 0, unlistedBytes: 0 })).toBe(0);
  });
});
