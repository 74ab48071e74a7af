import { describe, expect, it } from 'vitest';
import {
  CHART_LINES,
  CHART_POINTS,
  downsample,
  MARK_KINDS,
  pointOf,
  selectChart,
  usualStepMs,
  withGaps,
  type ChartPoint,
} from '../../src/renderer/src/store/selectors/chart';
import type { MonitorEvent, ResourceSample } from '../../src/shared/monitorEvent';
import { sampleOf } from '../../src/shared/series';
import { gib, GIB, MIB } from '../support/bytes';
import { snapshotAt } from '../support/snapshots';
import { ok, ollamaModel, registryAgent, registryData, system } from '../support/readings';

const START = Date.parse('2026-11-24T14:00:00.000Z');
const iso = (second: number): string => new Date(START + second * 1000).toISOString();

/** A sample as this release writes it: the agents' RAM (some of it estimated), their GPU share, the GPU's figures. */
function sample(second: number, overrides: Partial<ResourceSample> = {}): ResourceSample {
  return {
    at: iso(second),
    agents: 2,
    memoryBytes: gib(33.8),
    measuredBytes: gib(33.8),
    estimatedBytes: gib(47),
    machineRamBytes: gib(23.5),
    freeRamBytes: gib(10.3),
    cpuPercent: 5,
    ramBytes: gib(13.1),
    measuredRamBytes: gib(13.1),
    vramBytes: gib(20.7),
    gpuUsedBytes: gib(21),
    gpuTotalBytes: gib(24),
    ...overrides,
  };
}

const event = (second: number, type: MonitorEvent['type']): MonitorEvent => ({
  id: `${String(second)}${type}`,
  at: iso(second),
  type,
  origin: 'monitor',
  message: type,
});
const point = (second: number, agentsRamGb: number | null): ChartPoint => ({ ...pointOf(sample(second)), agentsRamGb });

describe('the RAM chart', () => {
  it("plots the agents' RAM against the machine's, never their GPU memory with it", () => {
    const { points, ramLines, gpuLines } = selectChart([sample(0), sample(5)], []);
    expect(points[0]).toEqual({
      at: START,
      machineRamGb: 23.5,
      // 23.5 GB less the 10.3 GB that can be had: every program's RAM, for scale.
      ramInUseGb: 13.2,
      agentsRamGb: 13.1,
      // Nothing estimated: the reported line says it all, and no second line lies on top of it.
      agentsRamEstimatedGb: null,
      agents: 2,
      gpuTotalGb: 24,
      gpuUsedGb: 21,
      agentsGpuGb: 20.7,
    });
    // 33.8 GB (RAM and GPU together) is drawn nowhere: it is above a 23.5 GB machine's RAM while RAM is 56% used.
    expect(points.flatMap((each) => Object.values(each)).includes(33.8)).toBe(false);
    expect(ramLines.map((line) => line.key)).toEqual(['machineRamGb', 'ramInUseGb', 'agentsRamGb', 'agents']);
    expect(gpuLines.map((line) => line.key)).toEqual(['gpuTotalGb', 'gpuUsedGb', 'agentsGpuGb']);
  });

  it('draws the estimated part apart from the reported one, only where there is one', () => {
    const mixed = sample(5, { ramBytes: gib(19.8), measuredRamBytes: gib(13.1) });
    const unmeasured = sample(10, { ramBytes: gib(19.7), measuredRamBytes: null });
    const { points, ramLines } = selectChart([sample(0), mixed, unmeasured], []);
    expect(points.map((each) => [each.agentsRamGb, each.agentsRamEstimatedGb])).toEqual([
      [13.1, null],
      [13.1, 19.8],
      [null, 19.7],
    ]);
    expect(ramLines.map((line) => line.name)).toContain("Agents' RAM with estimates");
  });

  it('names each drawn line once in the legend, and none it does not draw', () => {
    const { ramLines, gpuLines } = selectChart(
      [sample(0, { vramBytes: 0, gpuUsedBytes: null, gpuTotalBytes: null })],
      [],
    );
    const names = [...ramLines, ...gpuLines].map((line) => line.name);
    expect(new Set(names).size).toBe(names.length);
    // No GPU read and none of the agents' models in one: no GPU chart at all.
    expect(gpuLines).toEqual([]);
    expect(new Set(CHART_LINES.map((line) => line.name)).size).toBe(CHART_LINES.length);
    expect(new Set(CHART_LINES.map((line) => line.key)).size).toBe(CHART_LINES.length);
  });

  it("reads a sample from before RAM and GPU were told apart as unknown agents' RAM, not as their total", () => {
    const old: ResourceSample = {
      at: iso(0),
      agents: 2,
      memoryBytes: gib(33.8),
      measuredBytes: gib(33.8),
      estimatedBytes: gib(47),
      machineRamBytes: gib(23.5),
      freeRamBytes: null,
      cpuPercent: 5,
    };
    expect(pointOf(old)).toMatchObject({
      machineRamGb: 23.5,
      ramInUseGb: null,
      agentsRamGb: null,
      agentsRamEstimatedGb: null,
      agentsGpuGb: null,
      agents: 2,
    });
  });
});

describe('gaps', () => {
  it('takes the usual step as the median, so a burst or one pause does not set it', () => {
    expect(usualStepMs([0, 5000, 10_000, 10_200, 15_000, 600_000].map((at) => ({ at })))).toBe(5000);
    expect(usualStepMs([{ at: 0 }])).toBeNull();
  });

  it('breaks every line where the monitor was not running, rather than drawing a ramp', () => {
    const samples = [
      sample(0),
      sample(5),
      sample(10),
      sample(3600, { ramBytes: gib(2), measuredRamBytes: gib(2) }),
      sample(3605),
    ];
    const { points } = selectChart(samples, []);
    expect(points.map((each) => each.at)).toEqual([
      START,
      START + 5000,
      START + 10_000,
      START + (10_000 + 3_600_000) / 2,
      START + 3_600_000,
      START + 3_605_000,
    ]);
    const gap = points[3];
    expect(gap?.gap).toBe(true);
    for (const line of CHART_LINES) expect(gap?.[line.key]).toBeNull();
    // Up to three usual steps is a late poll, not a gap.
    const steady = [point(0, 1), point(5, 1), point(10, 1), point(15, 1)];
    expect(withGaps([...steady, point(30, 1)]).some((each) => each.gap)).toBe(false);
    expect(withGaps([...steady, point(31, 1)]).filter((each) => each.gap)).toHaveLength(1);
  });

  it('keeps a gap through the thinning, and no stretch reaches across one', () => {
    // Half a day of 5 s samples, an hour off, then the rest.
    const before = Array.from({ length: 8000 }, (_, index) => point(index * 5, 10));
    const after = Array.from({ length: 8000 }, (_, index) => point(43_600 + index * 5, index === 10 ? 60 : 20));
    const thinned = downsample(withGaps([...before, ...after]), CHART_POINTS);
    expect(thinned.filter((each) => each.gap)).toHaveLength(1);
    expect(thinned.length).toBeLessThanOrEqual(CHART_POINTS + 1);
    const gapAt = thinned.findIndex((each) => each.gap);
    expect(thinned.slice(0, gapAt).every((each) => each.agentsRamGb === 10)).toBe(true);
    expect(thinned.slice(gapAt + 1).every((each) => each.agentsRamGb === 20 || each.agentsRamGb === 60)).toBe(true);
    expect(thinned.filter((each) => each.agentsRamGb === 60)).toHaveLength(1);
  });
});

describe('downsample', () => {
  it('leaves a short series alone', () => {
    const points = [point(0, 1), point(5, 2)];
    expect(downsample(points, 10)).toEqual(points);
  });

  it("thins a day of samples to the limit and keeps each stretch's spike", () => {
    const day = Array.from({ length: 17_280 }, (_, index) => point(index * 5, index === 9_001 ? 60 : 10));
    const thinned = downsample(day, CHART_POINTS);
    expect(thinned.length).toBeLessThanOrEqual(CHART_POINTS);
    expect(thinned.length).toBeGreaterThan(CHART_POINTS - 2);
    expect(thinned.filter((each) => each.agentsRamGb === 60)).toHaveLength(1);
    expect(thinned.at(-1)?.at).toBe(day.at(-1)?.at);
    expect(thinned.map((each) => each.at)).toEqual([...thinned.map((each) => each.at)].sort((a, b) => a - b));
  });

  it('keeps an unknown stretch unknown, and a stretch with any reading a reading', () => {
    const points = [point(0, null), point(1, null), point(2, 5), point(3, null)];
    expect(downsample(points, 2).map((each) => each.agentsRamGb)).toEqual([null, 5]);
  });
});

describe('marks', () => {
  it('marks spawns, stops and sessions inside the plotted time, and the key names each kind', () => {
    const { marks } = selectChart(
      [sample(0), sample(5)],
      [
        event(-60, 'agent_spawned'),
        event(3, 'agent_spawned'),
        event(4, 'source_down'),
        event(4, 'agent_crashed'),
        event(5, 'session_ended'),
      ],
    );
    expect(marks.map((mark) => mark.kind)).toEqual(['spawn', 'stop', 'session']);
    expect(MARK_KINDS.map((kind) => kind.kind)).toEqual(['spawn', 'stop', 'session']);
    expect(new Set(MARK_KINDS.map((kind) => kind.name)).size).toBe(3);
  });
});

describe('samples, as the monitor and the dashboard take them', () => {
  it("carry the agents' RAM and GPU share apart, and the GPU's own figures", () => {
    const snapshot = snapshotAt(START, {
      registry: ok(registryData([registryAgent('cto', 'deepseek-coder:33b', { pid: 9 })])),
      ollama: ok({ models: [{ ...ollamaModel('deepseek-coder:33b', 18.9), vramBytes: gib(12) }] }),
      processes: new Map([[9, { alive: true, rssBytes: 54 * MIB }]]),
      system: system({ gpu: { totalBytes: 24 * GIB, usedBytes: gib(13), count: 1 } }),
    });
    expect(sampleOf(snapshot)).toMatchObject({
      memoryBytes: gib(18.9) + 54 * MIB,
      ramBytes: gib(18.9) - gib(12) + 54 * MIB,
      measuredRamBytes: gib(18.9) - gib(12) + 54 * MIB,
      vramBytes: gib(12),
      gpuUsedBytes: gib(13),
      gpuTotalBytes: 24 * GIB,
    });
  });

  it('leave the GPU share out where GPU memory is this RAM: it is in ramBytes already', () => {
    const snapshot = snapshotAt(START, {
      ollama: ok({ models: [{ ...ollamaModel('codellama:13b', 7.4), vramBytes: gib(7.4) }] }),
      system: system({ unifiedMemory: true }),
    });
    expect(sampleOf(snapshot)).toMatchObject({ vramBytes: null, gpuTotalBytes: null });
    expect(sampleOf(snapshot).ramBytes).toBeGreaterThanOrEqual(gib(7.4));
  });
});
