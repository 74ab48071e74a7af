import { formatBytes, formatDuration, memorySplit, swapText, UNIFIED_MEMORY_HINT } from '../../../../shared/format';
import type { CpuLoad, ResidentModel, Snapshot } from '../../../../shared/model';
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
const SOURCE_WORDS: Readonly<Record<NonNullable<Snapshot['summary']['memorySource']>, string>> = {
  measured: 'reported',
  estimated: 'estimated',
  mixed: 'mixed',
};

/**
 * When the models Ollama holds leave it, where it says of every one: `unloads in 4m 12s`, `the last unloads in 4m 50s`,
 * `kept loaded`.
 */
export function unloadText(models: readonly ResidentModel[], total: number | null): string | null {
  // Of a list cut short, the models left out could leave later: no time is the honest answer.
  if (models.length === 0 || total !== models.length) return null;
  if (models.every((model) => model.staysLoaded)) return 'kept loaded';
  if (models.some((model) => model.staysLoaded)) return 'some kept loaded';
  const seconds = models.map((model) => model.unloadsInSeconds);
  if (seconds.some((each) => each === null)) return null;
  const last = Math.max(...seconds.map((each) => each ?? 0));
  if (last === 0) return 'unloading now';
  return `${models.length === 1 ? 'unloads' : 'the last unloads'} in ${formatDuration(last)}`;
}

/**
 * With no agent running, what the machine still bears: the models Ollama
 * keeps loaded until their keep-alive runs out, and when they go.
 */
function idleNote(snapshot: Snapshot): string {
  const held = snapshot.summary.residentModelsBytes;
  if (held === null) return 'No agent running';
  if (held <= 0) return 'No agent running · Ollama holds no model';
  const when = isStale(snapshot.sources.ollama)
    ? 'as last read'
    : unloadText(snapshot.residentModels ?? [], snapshot.residentModelsTotal);
  return `No agent running · Ollama still holds ${formatBytes(held)}${when === null ? '' : ` (${when})`}`;
}

export function selectKpis(snapshot: Snapshot): Kpis {
  const { summary } = snapshot;
  const postgresStale = isStale(snapshot.sources.postgres);
  // With no agent, the 0 is exact and nothing was estimated or saved: the note says what Ollama still holds instead.
  const idle = summary.activeAgents === 0;
  const source = summary.memorySource === null || idle ? '' : ` · ${SOURCE_WORDS[summary.memorySource]}`;
  const split = memorySplit(summary);
  const swap = swapText(summary.swapUsedBytes);
  const facts = idle
    ? idleNote(snapshot)
    : `${savingsText(summary.savingsPct)}${source}${split === null ? '' : ` · ${split}`}`;
  return {
    activeAgents: figure(summary.activeAgents, agentsStale(snapshot)),
    cpuLoad: summary.cpuLoad,
    agentsCpu: summary.agentsCpuPercent === null ? null : `agents ${summary.agentsCpuPercent}%`,
    // A total that holds an estimate says so in its figure, not only in the note below it.
    memory: figure(summary.memoryBytes, agentsStale(snapshot), (bytes) =>
      summary.memorySource === 'measured' || idle ? formatBytes(bytes) : `~${formatBytes(bytes)}`,
    ),
    memoryNote: `${facts}${swap === null ? '' : ` · ${swap}`}`.replace(/^ · /, ''),
    // The demo's figures are a simulated machine's, not the one the dashboard runs on: said where they are read.
    memoryHint:
      [summary.unifiedMemoryHint ? UNIFIED_MEMORY_HINT : null, summary.simulatedMachine]
        .filter((hint) => hint !== null)
        .join(' · ') || null,
    activeSessions: figure(summary.activeSessions, postgresStale),
    totalToday: figure(summary.sessionsToday, postgresStale),
  };
}
