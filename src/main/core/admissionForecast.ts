import type { AdmissionForecast, CategoryForecast } from '../../shared/forecast';
import { CATEGORY_AGENTS, defaultModelFor, UNKNOWN_MODEL } from './echoRoster';
import { estimateMemoryBytes, type MemoryOverrides } from './memoryEstimate';
import { holdsItsModel, normalizeModel } from '../../shared/modelName';
import { judgeCategory, splitNeed } from './forecastVerdict';
import type { ResidentForecast } from './modelUnloads';
import type { MemoryPressure, OllamaModel, SystemReading } from './readings';

/** What the forecast needs to know of an agent the monitor sees. */
export interface ForecastAgent {
  readonly role: string;
  readonly model: string;
  readonly status: string | null;
  readonly processAlive: boolean | null;
}

export interface ForecastInput {
  /** Models Ollama reports loaded (`/api/ps`); empty when it could not be read. */
  readonly loadedModels: readonly string[];
  /**
   * False when Ollama could not be read just now: a model it holds may be
   * counted as needed, so "fits" still holds but "will not fit" is no claim.
   */
  readonly loadedKnown?: boolean;
  readonly agents: readonly ForecastAgent[];
  /** Memory free now; null when the machine's reading failed. */
  readonly freeBytes: number | null;
  /** Dedicated GPU memory free now; null where it cannot be read, or where memory is unified (then it is RAM). */
  readonly freeVramBytes?: number | null;
  /** Ollama's own figure per model (normalised name), from this poll or an earlier one. */
  readonly measuredBytes?: ReadonlyMap<string, number>;
  readonly overrides?: MemoryOverrides;
  /** The loaded models, with who uses them and when they leave memory by themselves (see forecastResidents). */
  readonly residents?: readonly ResidentForecast[];
  /** How many models Ollama keeps loaded at once; null where it cannot be told. */
  readonly modelLimit?: number | null;
  readonly pressure?: MemoryPressure | null;
  /** ECHO's seven unless a test says otherwise. */
  readonly categories?: Readonly<Record<string, readonly string[]>>;
}

/** A live agent of a known model: what it uses is loaded, and adds nothing. */
function holdsAKnownModel(agent: ForecastAgent): boolean {
  return holdsItsModel(agent) && agent.model !== UNKNOWN_MODEL;
}

/**
 * The model a role would use: the one its live agent reports, since the
 * delegator may be configured away from ECHO's defaults; else the default.
 */
function modelFor(role: string, liveModels: ReadonlyMap<string, string>): string {
  return liveModels.get(role) ?? defaultModelFor(role);
}

/** Free memory as the probe read it, or null when the reading cannot be right (a machine with no memory). */
export function knownFreeBytes(system: SystemReading): number | null {
  const free = system.freeBytes;
  const plausible = system.totalBytes > 0 && free !== null && Number.isFinite(free) && free >= 0;
  return plausible ? free : null;
}

/** Dedicated GPU memory free now, where it is read and is not simply RAM. */
export function knownFreeVramBytes(system: SystemReading): number | null {
  const gpu = system.gpu;
  if (!gpu || system.unifiedMemory === true || gpu.totalBytes <= 0) return null;
  return Math.max(0, gpu.totalBytes - gpu.usedBytes);
}

/**
 * Keeps Ollama's measured size of every model it has reported, so a model it
 * unloaded is forecast at its real size rather than the estimate. Returns the
 * same map when nothing changed, so state stays cheap to compare.
 */
export function rememberModelSizes(
  known: ReadonlyMap<string, number>,
  models: readonly OllamaModel[],
): ReadonlyMap<string, number> {
  let next: Map<string, number> | null = null;
  for (const model of models) {
    // A size Ollama did not give is no size to remember: skipped below as 0 is.
    const bytes = model.sizeBytes ?? 0;
    const key = normalizeModel(model.name);
    if (bytes <= 0 || known.get(key) === bytes) continue;
    next ??= new Map(known);
    next.set(key, bytes);
  }
  return next ?? known;
}

/** The key a role's model is counted under: two roles on one model load it once. */
function modelKey(role: string, liveModels: ReadonlyMap<string, string>): string {
  const model = modelFor(role, liveModels);
  return model === UNKNOWN_MODEL ? `role:${role}` : normalizeModel(model);
}

function forecastCategory(
  category: string,
  roles: readonly string[],
  input: ForecastInput,
  loaded: ReadonlySet<string>,
  liveModels: ReadonlyMap<string, string>,
): CategoryForecast {
  const perModel = new Map<string, number>();
  for (const role of roles) {
    const key = modelKey(role, liveModels);
    if (loaded.has(key)) continue;
    // Ollama's measurement beats the estimate, as it does in the memory totals; take the larger figure if overrides by
    // role disagree.
    const bytes =
      input.measuredBytes?.get(key) ?? estimateMemoryBytes(role, modelFor(role, liveModels), input.overrides);
    perModel.set(key, Math.max(perModel.get(key) ?? 0, bytes));
  }
  const needBytes = [...perModel.values()].reduce((sum, bytes) => sum + bytes, 0);
  const freeBytes = input.freeBytes;
  const freeVramBytes = input.freeVramBytes ?? null;
  const { needRamBytes, needVramBytes } = splitNeed(needBytes, freeVramBytes);
  const ownModels = new Set(roles.map((role) => modelKey(role, liveModels)));
  const modelLimit = input.modelLimit ?? null;
  // Compared in exact bytes: the views round only what they print.
  const verdict = judgeCategory({
    needBytes,
    freeBytes,
    freeVramBytes,
    loadedKnown: input.loadedKnown !== false,
    ownModels,
    missingModels: perModel.size,
    residents: input.residents ?? [],
    modelLimit,
    pressure: input.pressure ?? null,
  });
  return {
    category,
    agents: [...roles],
    needBytes,
    needRamBytes,
    needVramBytes,
    freeBytes,
    freeVramBytes,
    modelLimit,
    ...verdict,
  };
}

/** For each category, the memory its agents would add on top of what is loaded now, against what is free. */
export function forecastAdmissions(input: ForecastInput): AdmissionForecast {
  const holding = input.agents.filter(holdsAKnownModel);
  const loaded = new Set([...input.loadedModels, ...holding.map((agent) => agent.model)].map(normalizeModel));
  const liveModels = new Map(holding.map((agent) => [agent.role, agent.model]));
  const categories = input.categories ?? CATEGORY_AGENTS;
  return {
    categories: Object.entries(categories).map(([category, roles]) =>
      forecastCategory(category, roles, input, loaded, liveModels),
    ),
  };
}
