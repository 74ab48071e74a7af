import { describe, expect, it } from 'vitest';
import { advancePipeline, initialPipelineState, type PipelineState } from '../../src/main/core/pipeline';
import type { Readings } from '../../src/main/core/readings';
import type { Snapshot } from '../../src/shared/model';
import { gib } from '../support/bytes';
import { GIB, ok, ollamaModel, readingsAt, registryAgent, registryData, SETTINGS, system } from '../support/readings';

const START = Date.parse('2026-11-24T14:28:28Z');

/** Polls the same readings until the alerts' pending period has passed, and returns the last snapshot. */
function settled(readings: Parameters<typeof readingsAt>[1]): Snapshot {
  let state: PipelineState = initialPipelineState();
  let snapshot: Snapshot | null = null;
  for (let poll = 0; poll < 4; poll += 1) {
    const step = advancePipeline(state, { ...readingsAt(START + poll * 5000, readings) } satisfies Readings, SETTINGS);
    state = step.state;
    snapshot = step.snapshot;
  }
  if (snapshot === null) throw new Error('no poll ran');
  return snapshot;
}

const firing = (snapshot: Snapshot) => snapshot.alerts.map((alert) => `${alert.rule}:${alert.severity}`);

/** A 13.3 GB model, wholly in a 24 GB card's memory, for a senior developer on a 16 GB PC. */
const onDiscreteGpu = {
  registry: ok(registryData([registryAgent('senior_developer', 'qwen2.5:14b')])),
  ollama: ok({ models: [{ ...ollamaModel('qwen2.5:14b', 13.3), sizeBytes: gib(13.3), vramBytes: gib(13.3) }] }),
};

describe('memory on every desktop', () => {
  it("counts a model wholly in a discrete GPU's memory against GPU memory, not RAM, and names both", () => {
    const snapshot = settled({
      ...onDiscreteGpu,
      system: system({ totalBytes: 16 * GIB, freeBytes: 9 * GIB, gpu: { totalBytes: 24 * GIB, usedBytes: 14 * GIB } }),
    });
    expect(snapshot.summary).toMatchObject({
      memoryBytes: gib(13.3),
      ramBytes: 0,
      vramBytes: gib(13.3),
      memoryPctOfRam: 0,
      gpuTotalBytes: 24 * GIB,
      gpuUsedBytes: 14 * GIB,
    });
    expect(firing(snapshot)).toEqual([]);
    expect(snapshot.agents?.[0]?.memory).toMatchObject({ ollamaBytes: gib(13.3), vramBytes: gib(13.3) });
  });

  it('counts all of it against RAM where memory is unified (Apple Silicon)', () => {
    const snapshot = settled({
      ...onDiscreteGpu,
      system: system({ totalBytes: 16 * GIB, freeBytes: 3 * GIB, unifiedMemory: true }),
    });
    expect(snapshot.summary).toMatchObject({
      ramBytes: gib(13.3),
      memoryPctOfRam: 83.1,
      unifiedMemory: true,
      gpuTotalBytes: null,
    });
    expect(firing(snapshot)).toContain('memory-vs-ram:warning');
  });

  it('raises a GPU-memory alert with the same hysteresis as the others', () => {
    const full = settled({ ...onDiscreteGpu, system: system({ gpu: { totalBytes: 24 * GIB, usedBytes: gib(23.5) } }) });
    expect(firing(full)).toEqual(['gpu-memory:critical']);
    expect(full.alerts[0]?.message).toBe('GPU memory is 98% full: 23.5 GB of 24 GB.');
  });

  it('shows free memory the platform could not read as unknown, never 0, and raises nothing on it', () => {
    const snapshot = settled({ system: system({ freeBytes: null }) });
    expect(snapshot.summary.freeRamBytes).toBeNull();
    expect(firing(snapshot)).toEqual([]);
    expect(snapshot.forecast.categories.every((category) => category.fits === null)).toBe(true);
  });

  it("follows macOS's memory pressure, which knows better than a count of free pages", () => {
    const calm = settled({ system: system({ totalBytes: 32 * GIB, freeBytes: gib(15.5), pressure: 'normal' }) });
    expect(firing(calm)).toEqual([]);
    const pressed = settled({ system: system({ totalBytes: 32 * GIB, freeBytes: gib(15.5), pressure: 'critical' }) });
    expect(firing(pressed)).toEqual(['free-memory:critical']);
    expect(pressed.alerts[0]?.message).toBe('macOS reports memory pressure "critical" with 15.5 GB available.');
  });

  it('forecasts RAM and GPU memory apart, filling free GPU memory first as Ollama does', () => {
    const snapshot = settled({
      system: system({ totalBytes: 16 * GIB, freeBytes: 10 * GIB, gpu: { totalBytes: 24 * GIB, usedBytes: 4 * GIB } }),
    });
    const technical = snapshot.forecast.categories.find((category) => category.category === 'technical');
    // cto and senior_architect share deepseek-coder:33b (33 GB estimated); the running senior developer's model is
    // loaded already.
    expect(technical).toMatchObject({
      needBytes: 33 * GIB,
      needVramBytes: 20 * GIB,
      needRamBytes: 13 * GIB,
      freeBytes: 10 * GIB,
      freeVramBytes: 20 * GIB,
      fits: false,
    });
    const quickFix = snapshot.forecast.categories.find((category) => category.category === 'quick_fix');
    expect(quickFix).toMatchObject({ needBytes: 0, fits: true });
  });

  it('warns when a container limits this process below the RAM it reports', () => {
    const snapshot = settled({ system: system({ totalBytes: 64 * GIB, constrainedBytes: 8 * GIB }) });
    expect(snapshot.warnings.map((warning) => warning.kind)).toContain('memory-constrained');
  });
});
