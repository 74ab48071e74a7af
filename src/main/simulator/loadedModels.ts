import { createHash } from 'node:crypto';
import { normalizeModel } from '../../shared/modelName';
import { gpuShareOf, planGpuShares } from './gpuPlacement';
import { MODEL_SIZES, modelFootprint } from './modelSizes';

/** Ollama's default: a model stays loaded this long after its last request. */
export const DEFAULT_KEEP_ALIVE_MS = 5 * 60_000;
/** What `keep_alive: -1` gives in Ollama: an expiry about 292 years ahead ("Forever"). */
const FOREVER_MS = 292 * 365.25 * 86_400_000;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** One entry of `GET /api/ps`, exactly as Ollama writes it. */
export interface PsEntry {
  readonly name: string;
  readonly model: string;
  readonly size: number;
  readonly digest: string;
  readonly details: {
    readonly parent_model: string;
    readonly format: string;
    readonly family: string;
    readonly families: readonly string[];
    readonly parameter_size: string;
    readonly quantization_level: string;
  };
  readonly expires_at: string;
  readonly size_vram: number;
  readonly context_length: number;
}

/**
 * How long a request asks a model to stay (`keep_alive`): seconds as a number,
 * or a duration such as `10m`; negative is forever; null when absent or
 * unreadable, so the default applies.
 */
export function keepAliveMs(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 0 ? FOREVER_MS : value * 1000;
  if (typeof value !== 'string') return null;
  const match = /^(-?\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) return null;
  const amount = Number(match[1]);
  if (amount < 0) return FOREVER_MS;
  return amount * (UNIT_MS[match[2] ?? 's'] ?? 1000);
}

/**
 * The models an Ollama holds, and until when: using one loads it (at its
 * realistic size, partly in GPU memory as the seed decides) or moves its
 * expiry on; an expired one is gone, as Ollama unloads it. Time is passed in,
 * so this is plain state.
 */
export class LoadedModels {
  private readonly expiries = new Map<string, number>();
  private readonly gpuShares: ReadonlyMap<string, number>;

  constructor(private readonly seed: number) {
    this.gpuShares = planGpuShares(
      Object.entries(MODEL_SIZES).map(([name, footprint]) => ({ name, sizeBytes: footprint.sizeBytes })),
      seed,
    );
  }

  /** A request for the model: loads it, or refreshes its expiry. */
  use(model: string, now: number, keepMs: number = DEFAULT_KEEP_ALIVE_MS): void {
    this.expiries.set(normalizeModel(model), now + keepMs);
  }

  /** Returns whether it was loaded. */
  unload(model: string): boolean {
    return this.expiries.delete(normalizeModel(model));
  }

  /** What `/api/ps` lists at `now`, the latest expiry first, as Ollama sorts it. */
  list(now: number): PsEntry[] {
    for (const [name, expiresAt] of this.expiries) if (expiresAt <= now) this.expiries.delete(name);
    return [...this.expiries]
      .sort(([, a], [, b]) => b - a)
      .map(([name, expiresAt]) => this.entry(name, expiresAt));
  }

  private entry(name: string, expiresAt: number): PsEntry {
    const footprint = modelFootprint(name);
    const share = this.gpuShares.get(name) ?? gpuShareOf({ name, sizeBytes: footprint.sizeBytes }, this.seed);
    return {
      name,
      model: name,
      size: footprint.sizeBytes,
      digest: createHash('sha256').update(name).digest('hex'),
      details: {
        parent_model: '',
        format: 'gguf',
        family: footprint.family,
        families: [footprint.family],
        parameter_size: footprint.parameterSize,
        quantization_level: footprint.quantization,
      },
      expires_at: new Date(expiresAt).toISOString(),
      size_vram: Math.round(footprint.sizeBytes * share),
      context_length: 4096,
    };
  }
}
