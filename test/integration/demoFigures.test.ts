import { describe, expect, it } from 'vitest';
import { startDemo } from '../../src/main/demo/demoEnvironment';
import { startMonitorService } from '../../src/main/monitor/monitorService';
import type { Snapshot } from '../../src/shared/model';

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
/** How long the demo is watched: several polls, sessions coming and going at the speed below. */
const WATCH_MS = 6_000;
const POLL_MS = 750;

/** What each snapshot's figures must make together, as on a real machine with 64 GiB of RAM and a 12 GB GPU. */
function checkFigures(snapshot: Snapshot): void {
  const { summary } = snapshot;
  const at = `at ${snapshot.takenAt}`;
  // The simulated machine, not this one, and said to be.
  expect(summary.simulatedMachine, at).toBe('simulated machine: 64 GB RAM, 12 GB GPU');
  expect(summary.machineRamBytes, at).toBe(64 * GIB);
  expect(summary.gpuTotalBytes, at).toBe(12_288 * MIB);
  expect(summary.swapUsedBytes, at).toBe(0);
  expect(summary.unifiedMemory, at).toBe(false);
  const free = summary.freeRamBytes ?? Number.NaN;
  expect(free, at).toBeGreaterThan(0);
  // What the agents hold splits into RAM and GPU memory.
  expect((summary.ramBytes ?? 0) + (summary.vramBytes ?? 0), at).toBe(summary.memoryBytes ?? 0);
  // The GPU holds no more than it has; the desktop's share is in use before any model.
  const gpuUsed = summary.gpuUsedBytes ?? Number.NaN;
  expect(gpuUsed, at).toBeGreaterThanOrEqual(260 * MIB);
  expect(gpuUsed, at).toBeLessThanOrEqual(summary.gpuTotalBytes ?? 0);
  const models = snapshot.residentModels ?? [];
  const modelsVram = models.reduce((sum, model) => sum + model.vramBytes, 0);
  const modelsRam = models.reduce((sum, model) => sum + model.ramBytes, 0);
  expect(modelsVram, at).toBeLessThanOrEqual(summary.gpuTotalBytes ?? 0);
  for (const model of models) expect(model.vramBytes + model.ramBytes, `${at}: ${model.name}`).toBe(model.sizeBytes);
  // Memory in use and free memory fit in the RAM: the agents', and every loaded model's.
  expect((summary.ramBytes ?? 0) + free, at).toBeLessThanOrEqual(summary.machineRamBytes);
  expect(modelsRam + free, at).toBeLessThanOrEqual(summary.machineRamBytes);
  expect(summary.memoryPctOfRam ?? 0, at).toBeLessThanOrEqual(100);
}

describe("the demo's machine", () => {
  it('shows figures that add up, poll after poll, as sessions load and release models', async () => {
    // Faster than the demo's own 10x, so sessions (and their models) come and go while it is watched.
    const demo = await startDemo({ dataDir: null, speed: 60 });
    expect(demo.simulating).toContain('simulated machine: 64 GB RAM, 12 GB GPU');
    const seen: Snapshot[] = [];
    const service = await startMonitorService(
      { kind: 'echo', config: { ...demo.config, pollMs: POLL_MS } },
      {
        timeZone: 'UTC',
        defaultDataDir: null,
        beforeFirstPoll: (started) => {
          started.onSnapshot((snapshot) => seen.push(snapshot));
        },
      },
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
      expect(seen.length).toBeGreaterThanOrEqual(5);
      for (const snapshot of seen) checkFigures(snapshot);
      // The models did load, and some of them into the GPU.
      expect(seen.some((snapshot) => (snapshot.summary.vramBytes ?? 0) > 0)).toBe(true);
      expect(seen.some((snapshot) => (snapshot.summary.gpuUsedBytes ?? 0) > 4 * GIB)).toBe(true);
    } finally {
      await service.close();
      await demo.stop();
    }
  }, 30_000);
});
