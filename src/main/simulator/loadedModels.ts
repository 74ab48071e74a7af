import { createHash } from 'node:crypto';
import { normalizeModel } from '../../shared/modelName';
import { demoGpu, gpuAvailableBytes, gpuBytesFor, type DemoGpu } from './gpuPlacement';
import { modelFootprint } from './modelSizes';

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

/** A loaded model: until when, and the GPU memory it was given when it loaded. */
interface Held {
  expiresAt: number;
  readonly vramBytes: number;
}

/**
 * The models an Ollama holds, and until when: using one loads it (at its
 * realistic size) or moves its expiry on; an expired one is gone, as Ollama
 * unloads it. As Ollama's scheduler does, a model is placed when it loads,
 * in the GPU memory free at that moment (wholly, split by layers, or not at
 * all), and gives it back when it unloads or expires; so what the listed
 * models hold in GPU memory never exceeds the GPU. Ollama would first unload
 * an idle model to make room for one that does not fit; this keeps them, so
 * the demo shows models split and in RAM. Time is passed in, so this is
 * plain state: the same seed and the same requests give the same placement.
 */
export class LoadedModels {
  private readonly held = new Map<string, Held>();

  constructor(
    seed: number,
    /** The GPU the models are placed on; the demo's for the seed by default. */
    readonly gpu: DemoGpu = demoGpu(seed),
  ) {}

  /** A request for the model: loads it, or refreshes its expiry. */
  use(model: string, now: number, keepMs: number = DEFAULT_KEEP_ALIVE_MS): void {
    const name = normalizeModel(model);
    // What expired by now has given its GPU memory back before this one is placed.
    this.expire(now);
    const loaded = this.held.get(name);
    if (loaded) {
      loaded.expiresAt = now + keepMs;
      return;
    }
    const vramBytes = gpuBytesFor(modelFootprint(name), gpuAvailableBytes(this.gpu, this.vramInUse()));
    this.held.set(name, { expiresAt: now + keepMs, vramBytes });
  }

  /** Returns whether it was loaded. */
  unload(model: string): boolean {
    return this.held.delete(normalizeModel(model));
  }

  /** What `/api/ps` lists at `now`, the latest expiry first, as Ollama sorts it. */
  list(now: number): PsEntry[] {
    this.expire(now);
    return [...this.held]
      .sort(([, a], [, b]) => b.expiresAt - a.expiresAt)
      .map(([name, held]) => this.entry(name, held));
  }

  private expire(now: number): void {
    for (const [name, held] of this.held) if (held.expiresAt <= now) this.held.delete(name);
  }

  private vramInUse(): number {
    let bytes = 0;
    for (const held of this.held.values()) bytes += held.vramBytes;
    return bytes;
  }

  private entry(name: string, { expiresAt, vramBytes }: Held): PsEntry {
    const footprint = modelFootprint(name);
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
      size_vram: vramBytes,
      context_length: 4096,
    };
  }
}
