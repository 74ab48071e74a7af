import { describe, expect, it } from 'vitest';
import {
  allAgentsMemoryGb,
  indexModels,
  memoryTotals,
  readAgentMemory,
  savingsPct,
} from '../../src/main/core/memoryModel';
import { normalizeModel } from '../../src/shared/modelName';
import { GIB, ollamaModel, registryAgent } from '../support/readings';

const memory = (estimatedGb: number, ollamaGb: number | null = null, processGb: number | null = null) => ({ estimatedGb, ollamaGb, processGb });

describe('readAgentMemory', () => {
  it('puts the estimate, Ollama and the process side by side', () => {
    const reading = readAgentMemory(
      registryAgent('cto', 'deepseek-coder:33b', { pid: 77 }),
      indexModels([ollamaModel('deepseek-coder:33b', 18.5)]),
      { alive: true, rssBytes: 2 * GIB },
    );
    expect(reading).toEqual({ memory: memory(33, 18.5, 2), processAlive: true });
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
    expect(totals).toEqual({ totalGb: 39.7, measuredGb: 0, estimatedGb: 39.7, source: 'estimated' });
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
      measuredGb: 1,
      estimatedGb: 1,
      source: 'measured',
    });
    const mixed = memoryTotals([
      { role: 'cto', model: 'a:1b', memory: memory(1, 0.8) },
      { role: 'ceo', model: 'b:2b', memory: memory(2) },
    ]);
    expect(mixed).toEqual({ totalGb: 2.8, measuredGb: 0.8, estimatedGb: 3, source: 'mixed' });
  });

  it('is zero for no agents', () => {
    expect(memoryTotals([]).totalGb).toBe(0);
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
