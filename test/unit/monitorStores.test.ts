import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMonitorStores } from '../../src/main/monitor/monitorStores';
import { gib } from '../support/bytes';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'monitor-stores-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Two lines as the release before exact bytes wrote them, then one as this release does.
const GB_LINES = [
  '{"at":"2026-12-07T09:00:00.000Z","agents":2,"memoryGb":12.5,"measuredGb":12.5,"estimatedGb":19.7,"machineRamGb":32,"freeRamGb":14.2,"cpuPercent":23.5}',
  '{"at":"2026-12-07T09:00:05.000Z","agents":null,"memoryGb":null,"measuredGb":null,"estimatedGb":null,"machineRamGb":32,"freeRamGb":null,"cpuPercent":null}',
];
const BYTES_LINE = {
  at: '2026-12-07T09:00:10.000Z',
  agents: 1,
  memoryBytes: 50_331_648,
  measuredBytes: 50_331_648,
  estimatedBytes: 0,
  machineRamBytes: 34_359_738_368,
  freeRamBytes: 15_247_134_720,
  cpuPercent: 4,
};

describe("the chart's kept samples", () => {
  it('keep the samples an earlier release wrote in GB, read as bytes, beside the new ones', async () => {
    await writeFile(join(dir, 'resource-series.jsonl'), `${[...GB_LINES, JSON.stringify(BYTES_LINE)].join('\n')}\n`);
    const loaded = await openMonitorStores(dir).series.load();
    expect(loaded.dropped).toEqual([]);
    expect(loaded.value).toEqual([
      {
        at: '2026-12-07T09:00:00.000Z',
        agents: 2,
        memoryBytes: gib(12.5),
        measuredBytes: gib(12.5),
        estimatedBytes: gib(19.7),
        machineRamBytes: gib(32),
        freeRamBytes: gib(14.2),
        cpuPercent: 23.5,
      },
      {
        at: '2026-12-07T09:00:05.000Z',
        agents: null,
        memoryBytes: null,
        measuredBytes: null,
        estimatedBytes: null,
        machineRamBytes: gib(32),
        freeRamBytes: null,
        cpuPercent: null,
      },
      BYTES_LINE,
    ]);
  });

  it("keep the agents' RAM and GPU figures of new samples, beside older lines that have none", async () => {
    const split = {
      ...BYTES_LINE,
      at: '2026-12-07T09:00:15.000Z',
      ramBytes: gib(13.1),
      measuredRamBytes: gib(13.1),
      vramBytes: gib(20.7),
      gpuUsedBytes: gib(21),
      gpuTotalBytes: gib(24),
    };
    await writeFile(
      join(dir, 'resource-series.jsonl'),
      `${[GB_LINES[0] ?? '', JSON.stringify(BYTES_LINE), JSON.stringify(split)].join('\n')}\n`,
    );
    const loaded = await openMonitorStores(dir).series.load();
    expect(loaded.dropped).toEqual([]);
    expect(loaded.value[2]).toEqual(split);
    // The older lines hold no split: read as unknown, never as 0.
    for (const old of loaded.value.slice(0, 2))
      expect([old.ramBytes, old.measuredRamBytes, old.vramBytes, old.gpuTotalBytes]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
  });

  it('still leave out a line that is neither, saying why', async () => {
    await writeFile(
      join(dir, 'resource-series.jsonl'),
      `${GB_LINES[0] ?? ''}\n{"at":"2026-12-07T09:00:05.000Z","memoryGb":"lots"}\n`,
    );
    const loaded = await openMonitorStores(dir).series.load();
    expect(loaded.value).toHaveLength(1);
    expect(loaded.dropped).toHaveLength(1);
  });

  it('write new samples in bytes', async () => {
    const stores = openMonitorStores(dir);
    await stores.series.append([BYTES_LINE], [BYTES_LINE]);
    await stores.series.flush();
    expect(JSON.parse(await readFile(join(dir, 'resource-series.jsonl'), 'utf8'))).toEqual(BYTES_LINE);
  });
});
