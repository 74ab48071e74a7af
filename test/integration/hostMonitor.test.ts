import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/main/config';
import { startHostMonitor } from '../../src/main/hostMonitor';

describe('startHostMonitor', () => {
  it('runs the demo from a folder of its own inside the app data', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'app-data-'));
    try {
      const host = await startHostMonitor({ demo: true, dataDir, env: {}, timeZone: 'UTC' });
      try {
        expect(host.running.monitor.current()?.summary.activeSessions).toBe(1);
      } finally {
        await host.stop();
      }
      expect(await readdir(dataDir)).toEqual(['demo']);
      expect(await readdir(join(dataDir, 'demo'))).toEqual(expect.arrayContaining(['demo-pgdata', 'resource-series.jsonl']));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);

  it('refuses a bad configuration with the variable named', async () => {
    await expect(startHostMonitor({ demo: false, dataDir: tmpdir(), env: { DB_PORT: 'x' }, timeZone: 'UTC' })).rejects.toThrow(ConfigError);
  });
});
