import { describe, expect, it } from 'vitest';
import { forecastResidents, OLLAMA_KEEP_ALIVE_MS } from '../../src/main/core/modelUnloads';
import type { AgentWorkRecord } from '../../src/main/core/echoWork';
import type { ResidentModel } from '../../src/shared/model';
import { GIB } from '../support/bytes';

const NOW = Date.parse('2026-12-07T10:00:00Z');

/** An 8 GB model whose size Ollama reports, all of it in RAM. */
function resident(name: string, overrides: Partial<ResidentModel> = {}): ResidentModel {
  return {
    name,
    sizeBytes: 8 * GIB,
    sizeFrom: 'ollama',
    vramBytes: 0,
    ramBytes: 8 * GIB,
    expiresAt: null,
    unloadsInSeconds: null,
    staysLoaded: false,
    usedBy: [],
    ...overrides,
  };
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
    llm:
      lastQueryAgoSeconds === null
        ? null
        : { lastQueryAt: NOW - lastQueryAgoSeconds * 1000, turnsToday: 1, tokensToday: 100 },
  };
}

describe('forecastResidents', () => {
  const at = (residents: ReturnType<typeof forecastResidents>) =>
    residents.map((resident) => [resident.model, resident.unloadAt, resident.from]);

  it('takes Ollama’s own expiry where it gives one, with what each model holds and who uses it', () => {
    const residents = forecastResidents(
      [
        resident('qwen2.5:14b', { expiresAt: new Date(NOW + 240_000).toISOString(), usedBy: ['ceo'] }),
        resident('mistral', { expiresAt: new Date(NOW + 30_000).toISOString(), ramBytes: 2 * GIB, vramBytes: 2 * GIB }),
      ],
      null,
      NOW,
    );
    expect(residents).toEqual([
      {
        model: 'qwen2.5:14b',
        ramBytes: 8 * GIB,
        vramBytes: 0,
        usedBy: ['ceo'],
        unloadAt: NOW + 240_000,
        from: 'ollama',
      },
      {
        model: 'mistral:latest',
        ramBytes: 2 * GIB,
        vramBytes: 2 * GIB,
        usedBy: [],
        unloadAt: NOW + 30_000,
        from: 'ollama',
      },
    ]);
  });

  it('falls back on ECHO’s last model call plus the keep-alive, the latest of the roles using the model', () => {
    const models = [resident('deepseek-coder:33b', { usedBy: ['cto', 'senior_architect'] })];
    const work = [worked('cto', 200), worked('senior_architect', 60)];
    expect(at(forecastResidents(models, work, NOW))).toEqual([
      ['deepseek-coder:33b', NOW - 60_000 + OLLAMA_KEEP_ALIVE_MS, 'echo'],
    ]);
    // OLLAMA_KEEP_ALIVE=10m where the monitor can see Ollama's setting.
    expect(at(forecastResidents(models, work, NOW, 600_000))).toEqual([
      ['deepseek-coder:33b', NOW - 60_000 + 600_000, 'echo'],
    ]);
    // Negative: Ollama keeps every model.
    expect(at(forecastResidents(models, work, NOW, null))).toEqual([['deepseek-coder:33b', null, null]]);
  });

  it('promises no unload for a model one of whose agents has no record, or that nobody is known to use, but keeps it', () => {
    expect(
      at(
        forecastResidents(
          [resident('deepseek-coder:33b', { usedBy: ['cto', 'senior_architect'] })],
          [worked('cto', 200), worked('senior_architect', null)],
          NOW,
        ),
      ),
    ).toEqual([['deepseek-coder:33b', null, null]]);
    expect(at(forecastResidents([resident('deepseek-coder:33b', { usedBy: ['cto'] })], [], NOW))).toEqual([
      ['deepseek-coder:33b', null, null],
    ]);
    expect(at(forecastResidents([resident('deepseek-coder:33b')], [worked('cto', 200)], NOW))).toEqual([
      ['deepseek-coder:33b', null, null],
    ]);
  });

  it('never unloads a model kept for good', () => {
    expect(
      at(
        forecastResidents(
          [resident('llama3', { staysLoaded: true, expiresAt: '2318-01-01T00:00:00.000Z', usedBy: ['cto'] })],
          [worked('cto', 400)],
          NOW,
        ),
      ),
    ).toEqual([['llama3:latest', null, null]]);
  });

  it('puts an unload already due at now, not in the past', () => {
    expect(
      forecastResidents([resident('deepseek-coder:33b', { usedBy: ['cto'] })], [worked('cto', 400)], NOW)[0]?.unloadAt,
    ).toBe(NOW);
  });
});
