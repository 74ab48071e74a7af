import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/main/config';
import { desktopTarget } from '../../src/main/desktop/desktopTarget';
import { startMonitorService } from '../../src/main/monitor/monitorService';

describe("the desktop app's monitor", () => {
  it('runs the demo from a folder of its own inside the app data', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'app-data-'));
    try {
      const service = await startMonitorService(desktopTarget(true, dataDir, {}), {
        timeZone: 'UTC',
        defaultDataDir: dataDir,
      });
      try {
        expect(service.getSnapshot()?.summary.activeSessions).toBe(1);
      } finally {
        await service.close();
      }
      expect(await readdir(dataDir)).toEqual(['demo']);
      expect(await readdir(join(dataDir, 'demo'))).toEqual(
        expect.arrayContaining(['demo-pgdata', 'resource-series.jsonl']),
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);

  it('refuses a bad configuration with the variable named', () => {
    expect(() => desktopTarget(false, tmpdir(), { DB_PORT: 'x' })).toThrow(ConfigError);
  });
});
