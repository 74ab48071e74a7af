import { formatBytes, memorySplit, swapText, UNIFIED_MEMORY_HINT } from '../../../../shared/format';
import type { CpuLoad, Snapshot } from '../../../../shared/model';
import { agentsStale, isStale } from './sources';
import { UNKNOWN } from './unknown';

/** A figure for a card: its text, and whether it comes from a source that is not answering now. */
export interface Figure {
  readonly text: string;
  readonly stale: boolean;
}

function figure(value: number | null, stale: boolean, format: (value: number) => string = String): Figure {
  // Unknown is a dash, never a zero.
  return { text: value === null ? UNKNOWN : format(value), stale: value !== null && stale };
}

interface Kpis {
  readonly activeAgents: Figure;
  readonly cpuLoad: CpuLoad | null;
  /** The agents' own processes, where they were measured: `agents 35%` of one core. */
  readonly agentsCpu: string | null;
  readonly memory: Figure;
  readonly memoryNote: string;
  /** Where the GPU may share this RAM unseen: what to set so its models count as RAM. */
  readonly memoryHint: string | null;
  readonly activeSessions: Figure;
  readonly totalToday: Figure;
}

/** The seed's "savings vs all agents", from the figure the monitor computed rather than a fixed table. */
export function savingsText(savingsPct: number | null): string {
  if (savingsPct === null) return '';
  return savingsPct > 0 ? `${savingsPct}% savings vs all agents` : 'Running every agent';
}

/**
 * The total's source in words. Ollama's sizes are its scheduler's own
 * estimates, so a total read from them is "reported", not "measured" (the
 * snapshot keeps `measured` for compatibility).
 */
const SOURCE_WORDS: Readonly<Record<NonNullable<Snapshot['summary']['memorySource']>, string>> = { measured: 'reported', estimated: 'estimated', mixed: 'mixed' };

export function selectKpis(snapshot: Snapshot): Kpis {
  const { summary } = snapshot;
  const postgresStale = isStale(snapshot.sources.postgres);
  const source = summary.memorySource === null ? '' : ` · ${SOURCE_WORDS[summary.memorySource]}`;
  const split = memorySplit(summary);
  const swap = swapText(summary.swapUsedBytes);
  return {
    activeAgents: figure(summary.activeAgents, agentsStale(snapshot)),
    cpuLoad: summary.cpuLoad,
    agentsCpu: summary.agentsCpuPercent === null ? null : `agents ${summary.agentsCpuPercent}%`,
    // A total that holds an estimate says so in its figure, not only in the note below it.
    memory: figure(summary.memoryBytes, agentsStale(snapshot), (bytes) => (summary.memorySource === 'measured' ? formatBytes(bytes) : `~${formatBytes(bytes)}`)),
    memoryNote: `${savingsText(summary.savingsPct)}${source}${split === null ? '' : ` · ${split}`}${swap === null ? '' : ` · ${swap}`}`.replace(/^ · /, ''),
    memoryHint: summary.unifiedMemoryHint ? UNIFIED_MEMORY_HINT : null,
    activeSessions: figure(summary.activeSessions, postgresStale),
    totalToday: figure(summary.sessionsToday, postgresStale),
  };
}
