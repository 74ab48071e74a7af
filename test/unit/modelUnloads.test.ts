import { describe, expect, it } from 'vitest';
import { modelUnloads, OLLAMA_KEEP_ALIVE_MS } from '../../src/main/core/modelUnloads';
import type { AgentWorkRecord } from '../../src/main/core/echoWork';
import type { ResidentModel } from '../../src/shared/model';

const NOW = Date.parse('2026-12-07T10:00:00Z');

function resident(name: string, overrides: Partial<ResidentModel> = {}): ResidentModel {
  return { name, sizeGb: 8, vramGb: 0, ramGb: 8, expiresAt: null, unloadsInSeconds: null, staysLoaded: false, usedBy: [], ...overrides };
}

/** An agent's row as ECHO's LLM.Session keeps it: only the last call matters here. */
function worked(role: string, lastQueryAgoSeconds: number | null): AgentWorkRecord {
  return {
    role,
    tasksToday: 0,
    tasksLastHour: 0,
    backlog: 0,
    waiting: [],
    failures: [],
    failuresTotal: 0,
    lastSent: null,
    llm: lastQueryAgoSeconds === null ? null : { lastQueryAt: NOW - lastQueryAgoSeconds * 1000, turnsToday: 1, tokensToday: 100 },
  };
}

describe('modelUnloads', () => {
  it('takes Ollama’s own expiry where it gives one, soonest first', () => {
    const unloads = modelUnloads(
      [resident('qwen2.5:14b', { expiresAt: new Date(NOW + 240_000).toISOString() }), resident('mistral', { expiresAt: new Date(NOW + 30_000).toISOString(), ramGb: 2, vramGb: 2 })],
      null,
      NOW,
    );
    expect(unloads).toEqual([
      { model: 'mistral:latest', ramGb: 2, vramGb: 2, at: NOW + 30_000, from: 'ollama' },
      { model: 'qwen2.5:14b', ramGb: 8, vramGb: 0, at: NOW + 240_000, from: 'ollama' },
    ]);
  });

  it('falls back on ECHO’s last model call plus the 5-minute keep-alive, the latest of the roles using the model', () => {
    const unloads = modelUnloads([resident('deepseek-coder:33b', { usedBy: ['cto', 'senior_architect'] })], [worked('cto', 200), worked('senior_architect', 60)], NOW);
    expect(unloads).toEqual([{ model: 'deepseek-coder:33b', ramGb: 8, vramGb: 0, at: NOW - 60_000 + OLLAMA_KEEP_ALIVE_MS, from: 'echo' }]);
  });

  it('promises nothing for a model one of whose agents has no record, or that nobody is known to use', () => {
    expect(modelUnloads([resident('deepseek-coder:33b', { usedBy: ['cto', 'senior_architect'] })], [worked('cto', 200), worked('senior_architect', null)], NOW)).toEqual([]);
    expect(modelUnloads([resident('deepseek-coder:33b', { usedBy: ['cto'] })], [], NOW)).toEqual([]);
    expect(modelUnloads([resident('deepseek-coder:33b')], [worked('cto', 200)], NOW)).toEqual([]);
    expect(modelUnloads([resident('deepseek-coder:33b', { usedBy: ['cto'] })], null, NOW)).toEqual([]);
  });

  it('never unloads a model kept for good', () => {
    expect(modelUnloads([resident('llama3', { staysLoaded: true, expiresAt: '2318-01-01T00:00:00.000Z', usedBy: ['cto'] })], [worked('cto', 400)], NOW)).toEqual([]);
  });

  it('puts an unload already due at now, not in the past', () => {
    const unloads = modelUnloads([resident('deepseek-coder:33b', { usedBy: ['cto'] })], [worked('cto', 400)], NOW);
    expect(unloads[0]?.at).toBe(NOW);
  });
});
