import type { ResidentModel } from '../../shared/model';
import { normalizeModel } from '../../shared/modelName';
import type { AgentWorkRecord } from './echoWork';

/** Ollama's default keep-alive, which ECHO never overrides (it sends no `keep_alive`). */
export const OLLAMA_KEEP_ALIVE_MS = 5 * 60 * 1000;

/** A loaded model as the forecast weighs it: what it holds, who uses it, and when it leaves memory by itself. */
export interface ResidentForecast {
  /** The normalised name. */
  readonly model: string;
  readonly ramBytes: number;
  readonly vramBytes: number;
  /** The roles of the agents that use it; an empty list makes it idle, which Ollama evicts first to make room. */
  readonly usedBy: readonly string[];
  /** Epoch ms it unloads if nothing calls it; null when it stays (`keep_alive: -1`) or nobody can say. */
  readonly unloadAt: number | null;
  /** Where the time comes from: Ollama's own `expires_at`, or ECHO's last model call plus the keep-alive. */
  readonly from: 'ollama' | 'echo' | null;
}

/** When an agent's model unloads if it stays quiet: its last model call plus Ollama's keep-alive. */
export function quietUnloadAt(
  llm: { readonly lastQueryAt: number },
  keepAliveMs: number = OLLAMA_KEEP_ALIVE_MS,
): number {
  return llm.lastQueryAt + keepAliveMs;
}

/**
 * ECHO's record for a model: the latest quiet unload among the roles using it,
 * and only when every one of them has a record (a role without one could call
 * the model at any time, so nothing is promised).
 */
function echoUnloadAt(usedBy: readonly string[], work: readonly AgentWorkRecord[], keepAliveMs: number): number | null {
  if (usedBy.length === 0) return null;
  let latest = -Infinity;
  for (const role of usedBy) {
    const llm = work.find((agent) => agent.role === role)?.llm;
    if (!llm) return null;
    latest = Math.max(latest, quietUnloadAt(llm, keepAliveMs));
  }
  return latest;
}

/**
 * Each loaded model with when it will leave memory on its own. Ollama's
 * expiry is its scheduler's own timer and wins where it is given; where it is
 * not, ECHO's `llm_sessions` tell when the model's agents last called it. A
 * model kept for good (`keep_alive: -1`) never unloads by itself, and a
 * keep-alive of null means Ollama is set to keep every model (OLLAMA_KEEP_ALIVE
 * negative).
 */
export function forecastResidents(
  models: readonly ResidentModel[],
  work: readonly AgentWorkRecord[] | null,
  now: number,
  keepAliveMs: number | null = OLLAMA_KEEP_ALIVE_MS,
): ResidentForecast[] {
  return models.map((model) => {
    const base = {
      model: normalizeModel(model.name),
      ramBytes: model.ramBytes,
      vramBytes: model.vramBytes,
      usedBy: [...model.usedBy],
    };
    const ollamaAt = model.staysLoaded || model.expiresAt === null ? null : Date.parse(model.expiresAt);
    if (ollamaAt !== null && Number.isFinite(ollamaAt))
      return { ...base, unloadAt: Math.max(ollamaAt, now), from: 'ollama' };
    const echoAt =
      model.staysLoaded || keepAliveMs === null || !work ? null : echoUnloadAt(model.usedBy, work, keepAliveMs);
    return echoAt === null
      ? { ...base, unloadAt: null, from: null }
      : { ...base, unloadAt: Math.max(echoAt, now), from: 'echo' };
  });
}
