import type { LocalDate, Snapshot } from '../shared/model';
import { localDateOf } from './core/localTime';
import type { MemoryOverrides } from './core/memoryEstimate';
import { buildSnapshot } from './core/snapshot';
import type { AgentSource } from './sources/agentSource';
import { readPostgres } from './sources/postgresReader';
import type { SessionStore } from './sources/sessionStore';

export interface SnapshotSources {
  readonly store: SessionStore;
  readonly agents: AgentSource;
  readonly timeZone: string;
  readonly memoryOverrides?: MemoryOverrides;
}

/** Reads every source at once and assembles one snapshot; a failing source is reported, never thrown. */
export async function readSnapshot(sources: SnapshotSources, now: number, historyDate?: LocalDate): Promise<Snapshot> {
  const today = localDateOf(now, sources.timeZone);
  const date = historyDate ?? today;
  const postgres = readPostgres(sources.store, { now, today, historyDate: date });
  const activeSessions = postgres.then((reading) => (reading.ok ? reading.activeSessions : null));
  const [postgresReading, agentReading] = await Promise.all([postgres, sources.agents.read(activeSessions)]);
  return buildSnapshot({
    now,
    timeZone: sources.timeZone,
    today,
    historyDate: date,
    postgres: postgresReading,
    agents: agentReading,
    memoryOverrides: sources.memoryOverrides,
  });
}
