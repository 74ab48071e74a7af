import { describe, expect, it } from 'vitest';
import {
  allAgentsMemoryGb,
  indexModels,
  memoryTotals,
  modelMemoryNowGb,
  readAgentMemory,
  residentModels,
  residentModelsGb,
  savingsPct,
} from '../../src/main/core/memoryModel';
import { normalizeModel } from '../../src/shared/modelName';
import { GIB, ollamaModel, registryAgent } from '../support/readings';

/** An agent's memory; whether Ollama holds the model defaults to "could not be asked" unless Ollama gave a figure. */
const memory = (
  estimatedGb: number,
  ollamaGb: number | null = null,
  processGb: number | null = null,
  vramGb: number | null = ollamaGb === null ? null : 0,
  modelLoaded: boolean | null = ollamaGb === null ? null : true,
) => ({ estimatedGb, modelLoaded, ollamaGb, vramGb, processGb });
/** A model Ollama answered this poll without: it holds none of it. */
const notLoaded = (estimatedGb: number, processGb: number | null = null) => memory(estimatedGb, null, processGb, null, false);

describe('readAgentMemory', () => {
  it('puts the estimate, Ollama and the process side by side', () => {
    const reading = readAgentMemory(
      registryAgent('cto', 'deepseek-coder:33b', { pid: 77 }),
      indexModels([ollamaModel('deepseek-coder:33b', 18.5)]),
      { alive: true, rssBytes: 2 * GIB },
    );
    expect(reading).toEqual({ memory: memory(33, 18.5, 2), processAlive: true });
  });

  it('says the model is not loaded when Ollama answered without it, and unknown when Ollama could not be asked', () => {
    const agent = registryAgent('cto', 'deepseek-coder:6.7b');
    expect(readAgentMemory(agent, indexModels([ollamaModel('llama3.1:8b', 5.6)]), undefined).memory).toEqual(notLoaded(6.7));
    expect(readAgentMemory(agent, indexModels([]), undefined).memory.modelLoaded).toBe(false);
    expect(readAgentMemory(agent, null, undefined).memory.modelLoaded).toBeNull();
  });

  it('matches a bare model name to its :latest tag', () => {
    const reading = readAgentMemory(registryAgent('ceo', 'mistral'), indexModels([ollamaModel('mistral:latest', 4.1)]), undefined);
    expect(reading.memory.ollamaGb).toBe(4.1);
    expect(normalizeModel('library/mistral')).toBe('library/mistral:latest');
    expect(normalizeModel('host:5000/team/mistral')).toBe('host:5000/team/mistral:latest');
  });

  it('reports a dead process as dead, with no memory', () => {
    const reading = readAgentMemory(registryAgent('cto', 'deepseek-coder:33b', { pid: 77 }), null, { alive: false, rssBytes: null });
    expect(reading).toEqual({ memory: memory(33), processAlive: false });
  });

  it('applies user overrides to the estimate', () => {
    const reading = readAgentMemory(registryAgent('cto', 'deepseek-coder:33b'), null, undefined, { byRole: { cto: 20 } });
    expect(reading.memory.estimatedGb).toBe(20);
  });
});

describe('memoryTotals', () => {
  it('counts a model that serves two agents once', () => {
    const totals = memoryTotals([
      { role: 'cto', model: 'deepseek-coder:33b', memory: memory(33) },
      { role: 'senior_architect', model: 'deepseek-coder:33b', memory: memory(33) },
      { role: 'senior_developer', model: 'deepseek-coder:6.7b', memory: memory(6.7) },
    ]);
    expect(totals).toEqual({ totalGb: 39.7, ramGb: 39.7, vramGb: null, measuredGb: 0, measuredRamGb: null, estimatedGb: 39.7, source: 'estimated' });
  });

  it('never merges agents whose model is unknown', () => {
    const totals = memoryTotals([
      { role: 'analyst', model: 'unknown', memory: memory(5) },
      { role: 'writer', model: 'unknown', memory: memory(5) },
    ]);
    expect(totals.totalGb).toBe(10);
  });

  it('is measured when Ollama knows every model, mixed when it knows some', () => {
    expect(memoryTotals([{ role: 'cto', model: 'a:1b', memory: memory(1, 0.8, 0.2) }])).toEqual({
      totalGb: 1,
      ramGb: 1,
      vramGb: 0,
      measuredGb: 1,
      measuredRamGb: 1,
      estimatedGb: 1,
      source: 'measured',
    });
    const mixed = memoryTotals([
      { role: 'cto', model: 'a:1b', memory: memory(1, 0.8) },
      { role: 'ceo', model: 'b:2b', memory: memory(2) },
    ]);
    expect(mixed).toEqual({ totalGb: 2.8, ramGb: 2.8, vramGb: 0, measuredGb: 0.8, measuredRamGb: 0.8, estimatedGb: 3, source: 'mixed' });
  });

  it('counts a model Ollama does not hold as 0, and as known', () => {
    const idle = memoryTotals([
      { role: 'cto', model: 'deepseek-coder:6.7b', memory: notLoaded(6.7, 0.3) },
      { role: 'ceo', model: 'llama3.1:8b', memory: notLoaded(8, 0.3) },
    ]);
    expect(idle).toEqual({ totalGb: 0.6, ramGb: 0.6, vramGb: null, measuredGb: 0.6, measuredRamGb: 0.6, estimatedGb: 14.7, source: 'measured' });
    const oneLoaded = memoryTotals([
      { role: 'cto', model: 'deepseek-coder:6.7b', memory: memory(6.7, 4.6) },
      { role: 'ceo', model: 'llama3.1:8b', memory: notLoaded(8) },
    ]);
    expect(oneLoaded).toMatchObject({ totalGb: 4.6, measuredRamGb: 4.6, source: 'measured' });
  });

  it('estimates only the models Ollama could not be asked about, and never counts the estimate as measured', () => {
    const withProcesses = memoryTotals([{ role: 'cto', model: 'deepseek-coder:6.7b', memory: memory(6.7, null, 0.3) }]);
    expect(withProcesses).toEqual({ totalGb: 7, ramGb: 7, vramGb: null, measuredGb: 0.3, measuredRamGb: 0.3, estimatedGb: 6.7, source: 'mixed' });
    const mixed = memoryTotals([
      { role: 'cto', model: 'deepseek-coder:6.7b', memory: notLoaded(6.7) },
      { role: 'ceo', model: 'llama3.1:8b', memory: memory(8) },
    ]);
    expect(mixed).toMatchObject({ totalGb: 8, measuredGb: 0, measuredRamGb: 0, source: 'mixed' });
  });

  it('is an exact zero for no agents', () => {
    expect(memoryTotals([])).toEqual({ totalGb: 0, ramGb: 0, vramGb: null, measuredGb: 0, measuredRamGb: 0, estimatedGb: 0, source: 'measured' });
  });
});

describe('modelMemoryNowGb', () => {
  it("is Ollama's figure while it holds the model, 0 when it does not, else the estimate", () => {
    expect(modelMemoryNowGb(memory(6.7, 4.6))).toBe(4.6);
    expect(modelMemoryNowGb(notLoaded(6.7))).toBe(0);
    expect(modelMemoryNowGb(memory(6.7))).toBe(6.7);
  });
});

describe('savings vs all agents', () => {
  it('compares with every ECHO model loaded once, by the same rule', () => {
    expect(allAgentsMemoryGb()).toBe(92.7);
    expect(savingsPct(6.7, 92.7)).toBe(93);
    expect(savingsPct(92.7, 92.7)).toBe(0);
    expect(allAgentsMemoryGb({ byModel: { 'deepseek-coder:33b': 20 } })).toBe(79.7);
  });
});

describe('RAM and GPU memory', () => {
  const split = [
    { role: 'cto', model: 'deepseek-coder:33b', memory: memory(33, 20.3, 0.1, 12) },
    { role: 'senior_developer', model: 'deepseek-coder:6.7b', memory: memory(6.7, 4.6, 0.1, 4.6) },
    { role: 'ceo', model: 'qwen2.5:14b', memory: memory(14) },
  ];

  it("counts only what Ollama did not put in a discrete GPU's memory against RAM, and the estimate where nothing was measured", () => {
    expect(memoryTotals(split)).toMatchObject({ totalGb: 39.1, ramGb: 22.5, vramGb: 16.6 });
  });

  it('counts all of it against RAM where GPU memory is RAM (Apple Silicon)', () => {
    expect(memoryTotals(split, true)).toMatchObject({ totalGb: 39.1, ramGb: 39.1, vramGb: 16.6 });
  });

  it('shows a model kept loaded for good as staying, not as unloading in 2562047 hours', () => {
    const now = Date.parse('2026-11-24T15:00:00Z');
    const forever = { ...ollamaModel('qwen2.5:14b', 10), vramBytes: 10 * GIB, expiresAt: Date.parse('2318-03-02T00:00:00Z') };
    const soon = { ...ollamaModel('mistral:7b', 4.9), expiresAt: now + 300_000 };
    expect(residentModels([forever, soon], [], now).map(({ name, ramGb, unloadsInSeconds, staysLoaded }) => ({ name, ramGb, unloadsInSeconds, staysLoaded }))).toEqual([
      { name: 'qwen2.5:14b', ramGb: 0, unloadsInSeconds: null, staysLoaded: true },
      { name: 'mistral:7b', ramGb: 4.9, unloadsInSeconds: 300, staysLoaded: false },
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
    const reading = readAgentMemory(registryAgent('cto', 'deepseek-coder:33b'), indexModels([unsized('deepseek-coder:33b', 4 * GIB)]), undefined);
    expect(reading.memory).toEqual(memory(33, null, null, null, true));
    expect(modelMemoryNowGb(reading.memory)).toBe(33);
  });

  it('is counted at its estimate, in RAM, and makes the total an estimate in part', () => {
    const resident = indexModels([unsized('deepseek-coder:33b'), ollamaModel('deepseek-coder:6.7b', 4.6)]);
    const agents = [registryAgent('cto', 'deepseek-coder:33b'), registryAgent('senior_developer', 'deepseek-coder:6.7b')].map((agent) => ({
      ...agent,
      memory: readAgentMemory(agent, resident, undefined).memory,
    }));
    expect(memoryTotals(agents)).toEqual({ totalGb: 37.6, ramGb: 37.6, vramGb: 0, measuredGb: 4.6, measuredRamGb: 4.6, estimatedGb: 39.7, source: 'mixed' });
    // Only such models: nothing was read, so no share of RAM is claimed.
    expect(memoryTotals(agents.slice(0, 1))).toMatchObject({ totalGb: 33, vramGb: null, measuredGb: 0, measuredRamGb: null, source: 'estimated' });
  });

  it('is listed at its agents\' estimate, else the estimate by its name, all of it in RAM', () => {
    const now = Date.parse('2026-11-24T15:00:00Z');
    const listed = residentModels([unsized('deepseek-coder:33b', 4 * GIB), unsized('qwen2.5:14b'), unsized('granite')], [registryAgent('cto', 'deepseek-coder:33b')], now);
    expect(listed.map(({ name, sizeGb, vramGb, ramGb, usedBy }) => ({ name, sizeGb, vramGb, ramGb, usedBy }))).toEqual([
      { name: 'deepseek-coder:33b', sizeGb: 33, vramGb: 0, ramGb: 33, usedBy: ['cto'] },
      { name: 'qwen2.5:14b', sizeGb: 14, vramGb: 0, ramGb: 14, usedBy: [] },
      // No size in its tag, no agent: the rule's 5 GB for an unknown model.
      { name: 'granite', sizeGb: 5, vramGb: 0, ramGb: 5, usedBy: [] },
    ]);
    expect(residentModels([unsized('qwen2.5:14b')], [], now, false, { byModel: { 'qwen2.5:14b': 9 } })[0]?.sizeGb).toBe(9);
  });

  it('leaves the total of every loaded model unknown, never short of it', () => {
    const sized = [ollamaModel('deepseek-coder:6.7b', 4.6), ollamaModel('codellama:13b', 7.4)];
    expect(residentModelsGb({ models: sized, total: 3, unlistedBytes: 1 * GIB })).toBe(13);
    expect(residentModelsGb({ models: [unsized('granite'), ...sized], total: 3, unlistedBytes: 0 })).toBeNull();
    expect(residentModelsGb({ models: [], total: 0, unlistedBytes: 0 })).toBe(0);
  });
});
