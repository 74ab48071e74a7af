import { loadConfig } from '../../src/main/config';
import { Monitor } from '../../src/main/monitor/monitor';
import { assembleService, type MonitorService } from '../../src/main/monitor/monitorService';
import { SessionStore } from '../../src/main/sources/postgres/sessionStore';
import { SETTINGS } from './readings';

/** A monitor service that never polls and asks no database: for web-host tests that hand out their own snapshots. */
export function idleService(): MonitorService {
  const monitor = new Monitor({
    read: () => Promise.reject(new Error('not polled in this test')),
    settings: SETTINGS,
    pollMs: 60_000,
  });
  return assembleService({
    monitor,
    config: loadConfig({ REGISTRY_MODE: 'sessions', OLLAMA_ENDPOINT: 'off' }),
    store: new SessionStore({ query: () => Promise.reject(new Error('not asked in this test')) }, 'UTC'),
    commands: null,
    unloader: null,
    exports: null,
    close: () => monitor.stop(),
  });
}
