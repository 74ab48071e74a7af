import type { AgentMemory, AgentRecord, MemorySource, ResidentModel } from '../../shared/model';
import { ROLE_MODELS, UNKNOWN_MODEL } from './echoRoster';
import { estimateMemoryBytes, type MemoryOverrides } from './memoryEstimate';
import { normalizeModel } from '../../shared/modelName';
import type { OllamaData, OllamaModel, ProcessReading } from './readings';

/**
 * The model's memory now: what Ollama reports while it holds it, none while it says it does not, else the estimate
 * (Ollama not asked, or no size given).
 */
export function modelMemoryNowBytes(memory: AgentMemory): number {
  if (memory.ollamaBytes !== null) return memory.ollamaBytes;
  return memory.modelLoaded === false ? 0 : memory.estimatedBytes;
}

export function indexModels(models: readonly OllamaModel[]): ReadonlyMap<string, OllamaModel> {
  return new Map(models.map((model) => [normalizeModel(model.name), model]));
}

export interface AgentMemoryReading {
  readonly memory: AgentMemory;
  readonly processAlive: boolean | null;
}

/**
 * The readings of one agent's memory. `resident` is what Ollama holds, when it
 * answered this poll (null when it could not be asked); `process` is what
 * this machine says of the agent's processes, if anything. A model Ollama
 * lists without a size is loaded (`modelLoaded`) with no figure (`ollamaBytes`
 * null), so it is counted at its estimate, never at 0.
 */
export function readAgentMemory(
  agent: AgentRecord,
  resident: ReadonlyMap<string, OllamaModel> | null,
  process: ProcessReading | undefined,
  overrides?: MemoryOverrides,
): AgentMemoryReading {
  const loaded = resident?.get(normalizeModel(agent.model));
  const sizeBytes = loaded?.sizeBytes ?? null;
  return {
    memory: {
      estimatedBytes: estimateMemoryBytes(agent.role, agent.model, overrides),
      modelLoaded: resident === null ? null : loaded !== undefined,
      ollamaBytes: sizeBytes,
      // Its GPU share is a part of a size nobody gave: unknown with it.
      vramBytes: loaded && sizeBytes !== null ? loaded.vramBytes : null,
      processBytes: process?.alive && process.rssBytes !== null ? process.rssBytes : null,
    },
    processAlive: process ? process.alive : null,
  };
}

export interface MemoryTotals {
  /**
   * Models counted once each (what Ollama reports it holds, or the estimate where Ollama could not be asked or gave no
   * size), plus the agents' own processes.
   */
  readonly totalBytes: number;
  /** The part of totalBytes in RAM: all but the models' GPU share, unless memory is unified. */
  readonly ramBytes: number;
  /** The models' GPU share as Ollama reports it; null when Ollama gave no model's size. */
  readonly vramBytes: number | null;
  /**
   * What was read rather than estimated: the sizes Ollama reports (its own estimates when it loaded each model) and the
   * processes' resident memory.
   */
  readonly measuredBytes: number;
  /**
   * The part read rather than estimated in RAM: the processes and the RAM share of the models Ollama reports; null when
   * nothing was read.
   */
  readonly measuredRamBytes: number | null;
  /** Models counted once each at the estimate rule alone. */
  readonly estimatedBytes: number;
  readonly source: MemorySource;
}

/** Agents whose model is unknown cannot be shown to share one. */
const modelKey = (role: string, model: string): string =>
  model === UNKNOWN_MODEL ? `role:${role}` : normalizeModel(model);

/** A model's share of RAM: what Ollama holds less what it put in GPU memory, unless that GPU memory is RAM. */
export function ramShareBytes(sizeBytes: number, vramBytes: number, unified: boolean): number {
  return unified ? sizeBytes : Math.max(0, sizeBytes - vramBytes);
}

export function memoryTotals(
  agents: ReadonlyArray<{ role: string; model: string; memory: AgentMemory }>,
  unified = false,
): MemoryTotals {
  const perModel = new Map<string, AgentMemory>();
  let processBytes = 0;
  for (const agent of agents) {
    const key = modelKey(agent.role, agent.model);
    const known = perModel.get(key);
    if (!known || agent.memory.estimatedBytes > known.estimatedBytes) perModel.set(key, agent.memory);
    processBytes += agent.memory.processBytes ?? 0;
  }
  let totalBytes = processBytes;
  let ramBytes = processBytes;
  let vramBytes = 0;
  let measuredBytes = processBytes;
  let measuredRamBytes = processBytes;
  let estimatedBytes = 0;
  let knownModels = 0;
  let measuredModels = 0;
  for (const memory of perModel.values()) {
    estimatedBytes += memory.estimatedBytes;
    if (memory.ollamaBytes !== null) {
      const inGpu = memory.vramBytes ?? 0;
      const inRam = ramShareBytes(memory.ollamaBytes, inGpu, unified);
      totalBytes += memory.ollamaBytes;
      ramBytes += inRam;
      vramBytes += inGpu;
      measuredBytes += memory.ollamaBytes;
      measuredRamBytes += inRam;
      knownModels += 1;
      measuredModels += 1;
    } else if (memory.modelLoaded === false) {
      // Ollama answered without it: it holds nothing until the agent's next request loads it.
      knownModels += 1;
    } else {
      // Ollama could not be asked, or lists the model without its size: the estimate is counted against RAM, the safe
      // side, and says it is one.
      totalBytes += memory.estimatedBytes;
      ramBytes += memory.estimatedBytes;
    }
  }
  const processesMeasured = agents.some((agent) => agent.memory.processBytes !== null);
  // No agent, no model: nothing was estimated, and nothing is the exact figure.
  const source: MemorySource =
    knownModels === perModel.size ? 'measured' : knownModels === 0 && !processesMeasured ? 'estimated' : 'mixed';
  return {
    totalBytes,
    ramBytes,
    vramBytes: measuredModels === 0 ? null : vramBytes,
    measuredBytes,
    measuredRamBytes: agents.length === 0 || knownModels > 0 || processesMeasured ? measuredRamBytes : null,
    estimatedBytes,
    source,
  };
}

/** What every ECHO agent at once would take, by the estimate rule, each model counted once. */
export function allAgentsMemoryBytes(overrides?: MemoryOverrides): number {
  const perModel = new Map<string, number>();
  for (const [role, model] of Object.entries(ROLE_MODELS)) {
    const key = normalizeModel(model);
    perModel.set(key, Math.max(perModel.get(key) ?? 0, estimateMemoryBytes(role, model, overrides)));
  }
  return [...perModel.values()].reduce((sum, bytes) => sum + bytes, 0);
}

/**
 * The seed's "savings vs all agents", from the same rule on both sides so the
 * comparison is fair. Null with no agent running: nothing runs to save
 * against, and "100% savings" would say the machine is free while Ollama may
 * still hold every model.
 */
export function savingsPct(estimatedBytes: number, allAgentsBytes: number, activeAgents: number): number | null {
  if (allAgentsBytes <= 0 || activeAgents <= 0) return null;
  return Math.round(100 * (1 - estimatedBytes / allAgentsBytes));
}

/**
 * `keep_alive: -1` gives an `expires_at` about 292 years ahead, which Ollama's
 * CLI shows as "Forever"; anything this far ahead stays loaded.
 */
const FOREVER_MS = 20 * 365.25 * 24 * 3600 * 1000;

export function staysLoaded(expiresAt: number | null, now: number): boolean {
  return expiresAt !== null && expiresAt - now > FOREVER_MS;
}

/**
 * What a loaded model of unknown size is reckoned to take: the largest
 * estimate among the agents using it, as the totals count it, else the
 * estimate rule by its name alone.
 */
function loadedEstimateBytes(
  name: string,
  users: readonly AgentRecord[],
  overrides: MemoryOverrides | undefined,
): number {
  if (users.length === 0) return estimateMemoryBytes('', name, overrides);
  return Math.max(...users.map((agent) => estimateMemoryBytes(agent.role, agent.model, overrides)));
}

/**
 * Every model Ollama lists. One it gives no size for is listed at its
 * estimate, all of it counted in RAM (the safe side, as the totals do), so no
 * view shows it at 0 GB and nothing reckons that unloading it frees nothing.
 */
export function residentModels(
  models: readonly OllamaModel[],
  agents: readonly AgentRecord[],
  now: number,
  unified = false,
  overrides?: MemoryOverrides,
): ResidentModel[] {
  return models.map((model) => {
    const key = normalizeModel(model.name);
    const forever = staysLoaded(model.expiresAt, now);
    const users = agents.filter((agent) => normalizeModel(agent.model) === key);
    const sizeBytes = model.sizeBytes ?? loadedEstimateBytes(model.name, users, overrides);
    const vramBytes = model.sizeBytes === null ? 0 : model.vramBytes;
    return {
      name: model.name,
      sizeBytes,
      sizeFrom: model.sizeBytes === null ? 'estimate' : 'ollama',
      vramBytes,
      ramBytes: ramShareBytes(sizeBytes, vramBytes, unified),
      expiresAt: model.expiresAt === null ? null : new Date(model.expiresAt).toISOString(),
      unloadsInSeconds:
        model.expiresAt === null || forever ? null : Math.max(0, Math.floor((model.expiresAt - now) / 1000)),
      staysLoaded: forever,
      usedBy: users.map((agent) => agent.role),
    };
  });
}

/**
 * Every model Ollama holds, together, as it reports them; null when it gave
 * any one no size, since a total missing a part is no total. (Models of
 * unknown size are listed first, so one among the unlisted means one listed.)
 */
export function residentModelsBytes(data: OllamaData): number | null {
  let bytes = data.unlistedBytes;
  for (const model of data.models) {
    if (model.sizeBytes === null) return null;
    bytes += model.sizeBytes;
  }
  return bytes;
}
