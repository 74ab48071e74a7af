import type { ConnectionReport } from '../../../shared/settings';
import type { MonitorConfig } from '../../config';
import type { Reading } from '../../core/readings';
import { openSources } from '../../sources/openSources';
import { readSources } from '../../sources/readSources';

function verdict(reading: Reading<unknown> | null): string {
  if (reading === null) return 'not used';
  return reading.ok ? 'ok' : reading.error;
}

/** Reads every source of a candidate configuration once, and says how each answered. */
export async function testConnection(config: MonitorConfig, timeZone: string): Promise<ConnectionReport> {
  const open = await openSources(config, { timeZone, persistent: false });
  try {
    const readings = await readSources(open.sources, Date.now());
    return {
      postgres: verdict(readings.postgres),
      registry: verdict(readings.registry),
      ollama: verdict(readings.ollama),
    };
  } finally {
    await open.close();
  }
}
