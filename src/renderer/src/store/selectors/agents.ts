import { formatDuration, formatBytes, formatRole } from '../../../../shared/format';
import type { AgentView, AgentWork } from '../../../../shared/model';
import { agentWorkParts } from '../../../../shared/workText';

export interface AgentRow {
  readonly role: string;
  readonly name: string;
  readonly initials: string;
  readonly model: string;
  readonly memoryText: string;
  /** Where memoryText comes from, said beside it: `Ollama`, `estimate`; null where it needs no word (not loaded). */
  readonly memoryFrom: string | null;
  /** The other readings, each kept whole when the cell wraps: `estimate 6.7 GB`, `process 39 MB`. */
  readonly readings: readonly string[];
  /** Set when the readings disagree enough to doubt the estimate: `43% below the estimate`. */
  readonly drift: string | null;
  readonly spawnedAt: string | null;
  /** Its own process, where one was found or the registry gave a live pid: `pid 4242 · 3% CPU`. */
  readonly process: string | null;
  /** What ECHO's agent_status says: `heartbeat 4s ago`, with the status when it is not running. */
  readonly heartbeat: string | null;
  /** Every source that saw it: `heartbeat, process`. */
  readonly seenBy: string;
  /** Ollama holds the agent's model, so it can be asked to let it go. */
  readonly unloadable: boolean;
  /** Where the role runs more than once here: every copy's pid, oldest first, each stopped on its own. */
  readonly copies: readonly number[];
  /** What its processes' parents say: `orphaned`, `under timeout`, `from Claude Desktop`. */
  readonly lineage: string | null;
  /** Its work from ECHO's records: `3 waiting, oldest 12m 0s · 1 failed · last sent 2m 0s ago`. */
  readonly work: string | null;
}

/** Ollama's figure this far from the estimate, either way, is worth a flag. */
const DRIFT_RATIO = 0.3;

export function driftOf(agent: AgentView): string | null {
  const { estimatedBytes, ollamaBytes } = agent.memory;
  if (ollamaBytes === null || estimatedBytes <= 0) return null;
  const ratio = ollamaBytes / estimatedBytes - 1;
  if (Math.abs(ratio) < DRIFT_RATIO) return null;
  // Both figures stand just above it in the cell: the flag says only how far apart they are.
  return `${Math.round(Math.abs(ratio) * 100)}% ${ratio > 0 ? 'above' : 'below'} the estimate`;
}

const ORIGIN_WORDS: Readonly<Record<AgentView['origins'][number], string>> = {
  registry: 'registry',
  heartbeat: 'heartbeat',
  process: 'process',
  subscription: 'channel',
  sessions: 'session',
};

function processText(agent: AgentView): string | null {
  if (agent.copies.length > 1)
    return `${agent.copies.length} copies: pids ${agent.copies.map((copy) => copy.pid).join(', ')}`;
  if (agent.pid === null || agent.processAlive === false) return null;
  return agent.cpuPercent === null ? `pid ${agent.pid}` : `pid ${agent.pid} · ${agent.cpuPercent}% CPU`;
}

const LAUNCHERS: Readonly<Record<'delegator' | 'claude-desktop', string>> = {
  delegator: 'from a delegator',
  'claude-desktop': 'from Claude Desktop',
};

/** The copies' parents, in a few words: orphaned, under a wrapper, or who launched them. */
function lineageText(agent: AgentView): string | null {
  const words = agent.copies.map((copy) => {
    const who = agent.copies.length > 1 ? `pid ${copy.pid} ` : '';
    if (copy.orphaned) return `${who}orphaned`;
    if (copy.launchedBy !== null) return `${who}${LAUNCHERS[copy.launchedBy]}`;
    return copy.parentName === null ? null : `${who}under ${copy.parentName}`;
  });
  const shown = words.filter((word): word is string => word !== null);
  return shown.length === 0 ? null : shown.join(' · ');
}

/**
 * The model's memory as it stands: as Ollama reports it, not loaded, or an estimate where Ollama could not be asked or
 * gave no size.
 */
function modelMemoryText(agent: AgentView): string {
  if (agent.memory.ollamaBytes !== null) return formatBytes(agent.memory.ollamaBytes);
  return agent.memory.modelLoaded === false ? 'model not loaded' : `~${formatBytes(agent.memoryBytes)}`;
}

function memoryFromText(agent: AgentView): string | null {
  if (agent.memory.ollamaBytes !== null) return 'Ollama';
  return agent.memory.modelLoaded === false ? null : 'estimate';
}

/**
 * What the figure beside them does not already say: the estimate beside Ollama's figure, why an estimate stands, the
 * agent's own VM.
 */
function readingsOf(agent: AgentView): string[] {
  const { estimatedBytes, ollamaBytes, processBytes, modelLoaded } = agent.memory;
  return [
    modelLoaded === false
      ? `needs ~${formatBytes(estimatedBytes)} to load`
      : ollamaBytes === null
        ? null
        : `estimate ${formatBytes(estimatedBytes)}`,
    ollamaBytes === null && modelLoaded === true ? 'loaded, Ollama gave no size' : null,
    processBytes === null ? null : `process ${formatBytes(processBytes)}`,
  ].filter((part): part is string => part !== null);
}

function heartbeatText(agent: AgentView): string | null {
  const beat = agent.heartbeat;
  if (beat === null) return null;
  return `heartbeat ${formatDuration(beat.ageSeconds)} ago${beat.status === 'running' ? '' : ` · ${beat.status}`}`;
}

export function selectAgentRows(
  agents: readonly AgentView[],
  work: readonly AgentWork[] = [],
  takenAt = 0,
): AgentRow[] {
  const workOf = new Map(work.map((entry) => [entry.role, entry]));
  return agents.map((agent) => ({
    role: agent.role,
    name: formatRole(agent.role),
    initials: agent.role.slice(0, 2).toUpperCase(),
    model: agent.model,
    memoryText: modelMemoryText(agent),
    memoryFrom: memoryFromText(agent),
    readings: readingsOf(agent),
    drift: driftOf(agent),
    spawnedAt: agent.spawnedAt,
    process: processText(agent),
    heartbeat: heartbeatText(agent),
    seenBy: agent.origins.map((origin) => ORIGIN_WORDS[origin]).join(', '),
    // Whatever its size, a model Ollama lists can be unloaded.
    unloadable: agent.memory.modelLoaded === true,
    copies: agent.copies.length > 1 ? agent.copies.map((copy) => copy.pid) : [],
    lineage: lineageText(agent),
    work: agentWorkParts(workOf.get(agent.role), takenAt).join(' · ') || null,
  }));
}
