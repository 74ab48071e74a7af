import type { AgentMemory, AgentRecord, MemorySource, ResidentModel } from '../../shared/model';
import { ROLE_MODELS, UNKNOWN_MODEL } from './echoRoster';
import { estimateMemoryGb, type MemoryOverrides } from './memoryEstimate';
import { normalizeModel } from '../../shared/modelName';
import type { OllamaData, OllamaModel, ProcessReading } from './readings';

const BYTES_PER_GB = 1024 ** 3;

export const toGb = (bytes: number): number => Math.round((bytes / BYTES_PER_GB) * 10) / 10;
/** The model's memory now: what Ollama reports while it holds it, none while it says it does not, else the estimate (Ollama not asked, or no size given). */
export function modelMemoryNowGb(memory: AgentMemory): number {
  if (memory.ollamaGb !== null) return memory.ollamaGb;
  return memory.modelLoaded === false ? 0 : memory.estimatedGb;
}

/** Back to bytes, for a reader that wants base units (Prometheus): as exact as the GB it was given. */
export const fromGb = (gb: number): number => Math.round(gb * BYTES_PER_GB);
/** To the 0.1 GB every memory figure is shown at. */
export const round1 = (gb: number): number => Math.round(gb * 10) / 10;

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
 * lists without a size is loaded (`modelLoaded`) with no figure (`ollamaGb`
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
      estimatedGb: estimateMemoryGb(agent.role, agent.model, overrides),
      modelLoaded: resident === null ? null : loaded !== undefined,
      ollamaGb: sizeBytes === null ? null : toGb(sizeBytes),
      // Its GPU share is a part of a size nobody gave: unknown with it.
      vramGb: loaded && sizeBytes !== null ? toGb(loaded.vramBytes) : null,
      processGb: process?.alive && process.rssBytes !== null ? toGb(process.rssBytes) : null,
    },
    processAlive: process ? process.alive : null,
  };
}

export interface MemoryTotals {
  /** Models counted once each (what Ollama reports it holds, or the estimate where Ollama could not be asked or gave no size), plus the agents' own processes. */
  readonly totalGb: number;
  /** The part of totalGb in RAM: all but the models' GPU share, unless memory is unified. */
  readonly ramGb: number;
  /** The models' GPU share as Ollama reports it; null when Ollama gave no model's size. */
  readonly vramGb: number | null;
  /** What was read rather than estimated: the sizes Ollama reports (its own estimates when it loaded each model) and the processes' resident memory. */
  readonly measuredGb: number;
  /** The part read rather than estimated in RAM: the processes and the RAM share of the models Ollama reports; null when nothing was read. */
  readonly measuredRamGb: number | null;
  /** Models counted once each at the estimate rule alone. */
  readonly estimatedGb: number;
  readonly source: MemorySource;
}

/** Agents whose model is unknown cannot be shown to share one. */
const modelKey = (role: string, model: string): string => (model === UNKNOWN_MODEL ? `role:${role}` : normalizeModel(model));

/** A model's share of RAM: what Ollama holds less what it put in GPU memory, unless that GPU memory is RAM. */
export function ramShareGb(sizeGb: number, vramGb: number, unified: boolean): number {
  return unified ? sizeGb : Math.max(0, sizeGb - vramGb);
}

export function memoryTotals(agents: ReadonlyArray<{ role: string; model: string; memory: AgentMemory }>, unified = false): MemoryTotals {
  const perModel = new Map<string, AgentMemory>();
  let processGb = 0;
  for (const agent of agents) {
    const key = modelKey(agent.role, agent.model);
    const known = perModel.get(key);
    if (!known || agent.memory.estimatedGb > known.estimatedGb) perModel.set(key, agent.memory);
    processGb += agent.memory.processGb ?? 0;
  }
  let totalGb = processGb;
  let ramGb = processGb;
  let vramGb = 0;
  let measuredGb = processGb;
  let measuredRamGb = processGb;
  let estimatedGb = 0;
  let knownModels = 0;
  let measuredModels = 0;
  for (const memory of perModel.values()) {
    estimatedGb += memory.estimatedGb;
    if (memory.ollamaGb !== null) {
      const inGpu = memory.vramGb ?? 0;
      const inRam = ramShareGb(memory.ollamaGb, inGpu, unified);
      totalGb += memory.ollamaGb;
      ramGb += inRam;
      vramGb += inGpu;
      measuredGb += memory.ollamaGb;
      measuredRamGb += inRam;
      knownModels += 1;
      measuredModels += 1;
    } else if (memory.modelLoaded === false) {
      // Ollama answered without it: it holds nothing until the agent's next request loads it.
      knownModels += 1;
    } else {
      // Ollama could not be asked, or lists the model without its size: the estimate is counted against RAM, the safe side, and says it is one.
      totalGb += memory.estimatedGb;
      ramGb += memory.estimatedGb;
    }
  }
  const processesMeasured = agents.some((agent) => agent.memory.processGb !== null);
  // No agent, no model: nothing was estimated, and nothing is the exact figure.
  const source: MemorySource = knownModels === perModel.size ? 'measured' : knownModels === 0 && !processesMeasured ? 'estimated' : 'mixed';
  return {
    totalGb: round1(totalGb),
    ramGb: round1(ramGb),
    vramGb: measuredModels === 0 ? null : round1(vramGb),
    measuredGb: round1(measuredGb),
    measuredRamGb: agents.length === 0 || knownModels > 0 || processesMeasured ? round1(measuredRamGb) : null,
    estimatedGb: round1(estimatedGb),
    source,
  };
}

/** What every ECHO agent at once would take, by the estimate rule, each model counted once. */
export function allAgentsMemoryGb(overrides?: MemoryOverrides): number {
  const perModel = new Map<string, number>();
  for (const [role, model] of Object.entries(ROLE_MODELS)) {
    const key = normalizeModel(model);
    perModel.set(key, Math.max(perModel.get(key) ?? 0, estimateMemoryGb(role, model, overrides)));
  }
  return round1([...perModel.values()].reduce((sum, gb) => sum + gb, 0));
}

/** The seed's "savings vs all agents", from the same rule on both sides so the comparison is fair. */
export function savingsPct(estimatedGb: number, allAgentsGb: number): number | null {
  if (allAgentsGb <= 0) return null;
  return Math.round(100 * (1 - estimatedGb / allAgentsGb));
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
function loadedEstimateGb(name: string, users: readonly AgentRecord[], overrides: MemoryOverrides | undefined): number {
  if (users.length === 0) return estimateMemoryGb('', name, overrides);
  return Math.max(...users.map((agent) => estimateMemoryGb(agent.role, agent.model, overrides)));
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
    const sizeGb = model.sizeBytes === null ? loadedEstimateGb(model.name, users, overrides) : toGb(model.sizeBytes);
    const vramGb = model.sizeBytes === null ? 0 : toGb(model.vramBytes);
    return {
      name: model.name,
      sizeGb,
      vramGb,
      ramGb: round1(ramShareGb(sizeGb, vramGb, unified)),
      expiresAt: model.expiresAt === null ? null : new Date(model.expiresAt).toISOString(),
      unloadsInSeconds: model.expiresAt === null || forever ? null : Math.max(0, Math.floor((model.expiresAt - now) / 1000)),
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
export function residentModelsGb(data: OllamaData): number | null {
  let gb = toGb(data.unlistedBytes);
  for (const model of data.models) {
    if (model.sizeBytes === null) return null;
    gb += toGb(model.sizeBytes);
  }
  return round1(gb);
}
