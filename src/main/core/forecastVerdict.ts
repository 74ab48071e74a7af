import type { CategoryForecast, ForecastVerdict } from '../../shared/forecast';
import type { ResidentForecast } from './modelUnloads';
import type { MemoryPressure } from './readings';

/** Ollama puts as much of a model as fits in GPU memory and the rest in RAM. */
export function splitNeed(
  needBytes: number,
  freeVramBytes: number | null,
): { needRamBytes: number; needVramBytes: number } {
  const needVramBytes = Math.min(needBytes, freeVramBytes ?? 0);
  return { needRamBytes: needBytes - needVramBytes, needVramBytes };
}

export interface VerdictInput {
  readonly needBytes: number;
  /** Null when the machine's reading failed: no verdict. */
  readonly freeBytes: number | null;
  readonly freeVramBytes: number | null;
  /** False when Ollama could not be read just now: what it holds may be counted as needed. */
  readonly loadedKnown: boolean;
  /** Every model the category's agents use (normalised), loaded or not. */
  readonly ownModels: ReadonlySet<string>;
  /** How many of them are not loaded now. */
  readonly missingModels: number;
  readonly residents: readonly ResidentForecast[];
  /** How many models Ollama keeps loaded at once; null where none is known. */
  readonly modelLimit: number | null;
  readonly pressure: MemoryPressure | null;
}

export type Verdict = Pick<CategoryForecast, 'verdict' | 'fits' | 'evicting' | 'fitsLater'>;

const NO_CLAIM: Verdict = { verdict: null, fits: null, evicting: [], fitsLater: null };

function verdictOf(verdict: ForecastVerdict, rest: Partial<Verdict> = {}): Verdict {
  return {
    verdict,
    fits: verdict === 'fits' || verdict === 'fits-after-eviction',
    evicting: [],
    fitsLater: null,
    ...rest,
  };
}

/** Whether freeing these models' memory, in order, makes room; and after which of them. */
function roomAfter(input: VerdictInput, freeBytes: number, freeing: readonly ResidentForecast[]): number | null {
  let ram = freeBytes;
  let vram = input.freeVramBytes;
  for (const [index, resident] of freeing.entries()) {
    ram += resident.ramBytes;
    vram = vram === null ? null : vram + resident.vramBytes;
    if (splitNeed(input.needBytes, vram).needRamBytes <= ram) return index;
  }
  return null;
}

/**
 * Ollama's order for eviction (server/sched.go, findRunnerToUnload): the shortest keep-alive left first, then by name.
 */
function evictionOrder(a: ResidentForecast, b: ResidentForecast): number {
  return (a.unloadAt ?? Infinity) - (b.unloadAt ?? Infinity) || a.model.localeCompare(b.model);
}

/**
 * Ollama's model limit is hit when the category's own models are more than
 * it keeps at once, or when loading them would push out a model another
 * running agent uses: then models swap in and out on every call.
 */
function overModelLimit(input: VerdictInput): boolean {
  if (input.modelLimit === null) return false;
  if (input.ownModels.size > input.modelLimit) return true;
  const busyOthers = input.residents.filter(
    (resident) => !input.ownModels.has(resident.model) && resident.usedBy.length > 0,
  ).length;
  return input.missingModels > 0 && input.ownModels.size + busyOthers > input.modelLimit;
}

/**
 * What starting the category would meet, as Ollama's scheduler would handle
 * it: it fits; it fits once Ollama evicts idle models (it does so to make
 * room, unasked); it fits once models unload when their keep-alive runs out;
 * it fits only by swapping (macOS already under memory pressure); it is over
 * Ollama's model limit; or it will not fit. No claim where free memory is
 * unknown, or where "will not fit" rests on an Ollama that did not answer.
 */
export function judgeCategory(input: VerdictInput): Verdict {
  const { freeBytes } = input;
  if (freeBytes === null) return NO_CLAIM;
  if (overModelLimit(input)) return verdictOf('over-model-limit');
  const fitsNow = splitNeed(input.needBytes, input.freeVramBytes).needRamBytes <= freeBytes;
  if (fitsNow)
    return input.needBytes > 0 && (input.pressure === 'warn' || input.pressure === 'critical')
      ? verdictOf('only-by-swapping')
      : verdictOf('fits');
  if (!input.loadedKnown) return NO_CLAIM;
  const others = input.residents.filter((resident) => !input.ownModels.has(resident.model));
  const idle = others.filter((resident) => resident.usedBy.length === 0).sort(evictionOrder);
  const evicted = roomAfter(input, freeBytes, idle);
  if (evicted !== null) {
    return verdictOf('fits-after-eviction', {
      evicting: idle
        .slice(0, evicted + 1)
        .map((resident) => ({ model: resident.model, bytes: resident.ramBytes + resident.vramBytes })),
    });
  }
  const unloading = others
    .filter((resident): resident is ResidentForecast & { unloadAt: number } => resident.unloadAt !== null)
    .sort((a, b) => a.unloadAt - b.unloadAt);
  const unloaded = roomAfter(input, freeBytes, unloading);
  const last = unloaded === null ? undefined : unloading[unloaded];
  if (unloaded !== null && last !== undefined) {
    return verdictOf('fits-later', {
      fitsLater: {
        at: new Date(last.unloadAt).toISOString(),
        unloading: unloading.slice(0, unloaded + 1).map((resident) => resident.model),
      },
    });
  }
  return verdictOf('will-not-fit');
}
