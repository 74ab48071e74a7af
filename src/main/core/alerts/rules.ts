import { formatDuration, formatBytes, formatRole, joinNames } from '../../../shared/format';
import { holdsItsModel, normalizeModel } from '../../../shared/modelName';
import type { AgentView, Culprit, Severity, SourceName } from '../../../shared/model';
import { agentsFresh, isFresh } from '../freshness';
import { isDown } from '../sourceHealth';
import type { SnapshotBase } from '../snapshot';
import { LEVEL_RANK, levelOf, type Level } from './level';
import type { MemoryPressure } from '../readings';
import { THRESHOLD_DIRECTION, type AlertSettings, type ThresholdRuleKey } from '../../../shared/alertSettings';

/** What a rule makes of one snapshot. */
export type Observation =
  | {
      readonly kind: 'level';
      readonly level: Level;
      readonly message: string;
      readonly culprit: Culprit | null;
      readonly suggestedAction: string | null;
    }
  /** The data behind the rule is stale or unknown: the alert neither fires nor clears. */
  | { readonly kind: 'frozen' };

export interface AlertRule {
  readonly id: string;
  observe(snapshot: SnapshotBase, firing: Level, settings: AlertSettings): Observation;
}

const FROZEN: Observation = { kind: 'frozen' };

/** Which memory an alert is about, so its suggestion names what stopping frees of that memory. */
type Freed = 'all' | 'ram' | 'gpu';

const FREED_WORDS: Readonly<Record<Freed, string>> = { all: '', ram: ' of RAM', gpu: ' of GPU memory' };

/** What stopping a group of agents sharing one model frees: the model once, and every copy's process. */
function freedBy(group: readonly AgentView[], freed: Freed, unified: boolean): number {
  const model = group[0];
  if (model === undefined) return 0;
  // What Ollama put in a discrete GPU's memory is not RAM; where memory is unified, it is.
  const inGpu = unified ? 0 : (model.memory.vramBytes ?? 0);
  if (freed === 'gpu') return inGpu;
  const processes = group.reduce((sum, agent) => sum + (agent.memory.processBytes ?? 0), 0);
  return (freed === 'ram' ? Math.max(0, model.memoryBytes - inGpu) : model.memoryBytes) + processes;
}

/**
 * The agents whose stopping frees the most of the memory the alert is about:
 * those sharing one model free it only together, so they are suggested
 * together. None when stopping any would free none of it.
 */
function biggestAgent(
  agents: readonly AgentView[],
  freed: Freed = 'all',
  unified = false,
): { culprit: Culprit; action: string } | null {
  // Grouped as Ollama names models, and only agents that still hold theirs: as the controls judge what stopping frees.
  const groups = new Map<string, AgentView[]>();
  for (const agent of agents.filter(holdsItsModel)) {
    const key = normalizeModel(agent.model);
    groups.set(key, [...(groups.get(key) ?? []), agent]);
  }
  let best: { group: AgentView[]; frees: number } | null = null;
  for (const group of groups.values()) {
    const frees = freedBy(group, freed, unified);
    if (!best || frees > best.frees) best = { group, frees };
  }
  const first = best?.group[0];
  if (!best || !first || best.frees <= 0) return null;
  const who = joinNames(best.group.map((agent) => formatRole(agent.role)));
  return {
    culprit: { kind: 'agent', id: first.role, label: `${who} (${first.model})`, memoryBytes: best.frees },
    action: `Stop ${who}: frees ~${formatBytes(best.frees)}${FREED_WORDS[freed]}`,
  };
}

/** A rule on one setting's thresholds; which way is worse comes with the setting, as its validation reads it. */
function thresholdRule(
  id: string,
  key: ThresholdRuleKey,
  measure: (
    snapshot: SnapshotBase,
  ) => { value: number; message: string; culprit: Culprit | null; suggestedAction: string | null } | null,
): AlertRule {
  return {
    id,
    observe(snapshot, firing, settings) {
      const thresholds = settings[key];
      if (!thresholds.enabled) return { kind: 'level', level: 'ok', message: '', culprit: null, suggestedAction: null };
      const measured = measure(snapshot);
      if (measured === null) return FROZEN;
      return {
        kind: 'level',
        level: levelOf(measured.value, firing, thresholds, THRESHOLD_DIRECTION[key]),
        ...measured,
      };
    },
  };
}

const memoryRule = thresholdRule('memory-vs-ram', 'memoryPctOfRam', (snapshot) => {
  // Measured figures only: an estimate never raises an alert.
  const { measuredRamBytes: ramBytes, vramBytes, unifiedMemory, memoryPctOfRam, machineRamBytes } = snapshot.summary;
  if (!agentsFresh(snapshot) || ramBytes === null || memoryPctOfRam === null || snapshot.agents === null) return null;
  const biggest = biggestAgent(snapshot.agents, 'ram', unifiedMemory);
  // What sits in a discrete GPU's memory is not RAM; it is named apart so the figures add up.
  const inGpu =
    !unifiedMemory && vramBytes !== null && vramBytes > 0
      ? ` of RAM (and ${formatBytes(vramBytes)} of GPU memory)`
      : '';
  return {
    value: memoryPctOfRam,
    message: `Agents use ${formatBytes(ramBytes)}${inGpu}, ${Math.round(memoryPctOfRam)}% of this machine's ${formatBytes(machineRamBytes)} RAM.`,
    culprit: biggest?.culprit ?? null,
    suggestedAction: biggest?.action ?? null,
  };
});

const freeMemoryByShare = thresholdRule('free-memory', 'freeRamPct', (snapshot) => {
  const { freeRamBytes, machineRamBytes } = snapshot.summary;
  // A reading nobody could take is unknown: no alert is raised or cleared on it.
  if (machineRamBytes <= 0 || freeRamBytes === null) return null;
  const pct = (freeRamBytes / machineRamBytes) * 100;
  const biggest =
    agentsFresh(snapshot) && snapshot.agents
      ? biggestAgent(snapshot.agents, 'ram', snapshot.summary.unifiedMemory)
      : null;
  return {
    value: pct,
    message: `Only ${formatBytes(freeRamBytes)} of ${formatBytes(machineRamBytes)} RAM is free (${Math.round(pct)}%).`,
    culprit: biggest?.culprit ?? null,
    suggestedAction: biggest?.action ?? null,
  };
});

const PRESSURE_LEVEL: Readonly<Record<MemoryPressure, Level>> = { normal: 'ok', warn: 'warning', critical: 'critical' };

/**
 * Free memory as a share of RAM, and, on macOS, the system's own memory
 * pressure, whichever says more: macOS keeps free pages few on purpose and
 * compresses before it runs short, so its pressure level is the better judge.
 */
const freeMemoryRule: AlertRule = {
  id: 'free-memory',
  observe(snapshot, firing, settings) {
    const byShare = freeMemoryByShare.observe(snapshot, firing, settings);
    const pressure = snapshot.summary.memoryPressure;
    if (!settings.freeRamPct.enabled || pressure === null || PRESSURE_LEVEL[pressure] === 'ok') return byShare;
    const level = PRESSURE_LEVEL[pressure];
    if (byShare.kind === 'level' && LEVEL_RANK[byShare.level] >= LEVEL_RANK[level]) return byShare;
    const free = snapshot.summary.freeRamBytes;
    const biggest =
      agentsFresh(snapshot) && snapshot.agents
        ? biggestAgent(snapshot.agents, 'ram', snapshot.summary.unifiedMemory)
        : null;
    return {
      kind: 'level',
      level,
      message: `macOS reports memory pressure "${pressure}"${free === null ? '' : ` with ${formatBytes(free)} available`}.`,
      culprit: biggest?.culprit ?? null,
      suggestedAction: biggest?.action ?? null,
    };
  },
};

const gpuMemoryRule = thresholdRule('gpu-memory', 'gpuMemoryPct', (snapshot) => {
  const { gpuTotalBytes, gpuUsedBytes } = snapshot.summary;
  // Where GPU memory cannot be read (no NVIDIA card) or is RAM (Apple Silicon), the RAM rules speak for it.
  if (gpuTotalBytes === null || gpuUsedBytes === null || gpuTotalBytes <= 0) return null;
  const pct = (gpuUsedBytes / gpuTotalBytes) * 100;
  const biggest = agentsFresh(snapshot) && snapshot.agents ? biggestAgent(snapshot.agents, 'gpu') : null;
  return {
    value: pct,
    message: `GPU memory is ${Math.round(pct)}% full: ${formatBytes(gpuUsedBytes)} of ${formatBytes(gpuTotalBytes)}.`,
    culprit: biggest?.culprit ?? null,
    suggestedAction: biggest?.action ?? null,
  };
});

const agentCountRule = thresholdRule('agent-count', 'agentCount', (snapshot) => {
  if (!agentsFresh(snapshot) || snapshot.agents === null) return null;
  const biggest = biggestAgent(snapshot.agents);
  return {
    value: snapshot.agents.length,
    message: `${snapshot.agents.length} ${snapshot.agents.length === 1 ? 'agent is' : 'agents are'} running.`,
    culprit: biggest?.culprit ?? null,
    suggestedAction: biggest?.action ?? null,
  };
});

const longSessionRule = thresholdRule('long-session', 'sessionHours', (snapshot) => {
  if (!isFresh(snapshot.sources.postgres) || snapshot.activeSessions === null) return null;
  const longest = snapshot.activeSessions.reduce<(typeof snapshot.activeSessions)[number] | null>(
    (best, session) => (!best || session.durationSeconds > best.durationSeconds ? session : best),
    null,
  );
  if (longest === null) return { value: 0, message: '', culprit: null, suggestedAction: null };
  return {
    value: longest.durationSeconds / 3600,
    message: `Session ${longest.sessionId} (${longest.category}) has been active for ${formatDuration(longest.durationSeconds)}.`,
    culprit: { kind: 'session', id: longest.sessionId, label: longest.description ?? longest.sessionId },
    suggestedAction: `End session ${longest.sessionId} if its work is done`,
  };
});

// Longer than the badges' labels: these open a sentence.
const SOURCE_IN_A_SENTENCE: Readonly<Record<SourceName, string>> = {
  postgres: 'PostgreSQL',
  registry: 'The agent registry (Redis)',
  ollama: 'Ollama',
};
/** Without PostgreSQL the monitor knows nothing of sessions; the others it can partly do without. */
const SOURCE_SEVERITY: Readonly<Record<SourceName, Severity>> = {
  postgres: 'critical',
  registry: 'warning',
  ollama: 'warning',
};

function sourceRule(source: SourceName): AlertRule {
  return {
    id: `source-unavailable:${source}`,
    observe(snapshot, _firing, settings) {
      const health = snapshot.sources[source];
      const down = settings.sourceUnavailable.enabled && isDown(health);
      if (!down) return { kind: 'level', level: 'ok', message: '', culprit: null, suggestedAction: null };
      const kept =
        health.state === 'stale' && health.ageSeconds !== null
          ? ` Showing what it said ${formatDuration(health.ageSeconds)} ago.`
          : '';
      return {
        kind: 'level',
        level: SOURCE_SEVERITY[source],
        message: `${SOURCE_IN_A_SENTENCE[source]} is unavailable: ${health.error ?? 'no answer'}.${kept}`,
        culprit: { kind: 'source', id: source, label: SOURCE_IN_A_SENTENCE[source] },
        suggestedAction: `Check that ${source === 'registry' ? 'Redis' : SOURCE_IN_A_SENTENCE[source]} is running and reachable`,
      };
    },
  };
}

export const ALERT_RULES: readonly AlertRule[] = [
  memoryRule,
  freeMemoryRule,
  gpuMemoryRule,
  agentCountRule,
  longSessionRule,
  sourceRule('postgres'),
  sourceRule('registry'),
  sourceRule('ollama'),
];
