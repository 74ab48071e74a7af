import type { ResidentModel } from '../../shared/model';
import { normalizeModel } from '../../shared/modelName';
import type { AgentWorkRecord } from './echoWork';

/** Ollama's default keep-alive, which ECHO never overrides (it sends no `keep_alive`). */
export const OLLAMA_KEEP_ALIVE_MS = 5 * 60 * 1000;

/** A loaded model, and when it leaves memory if its agents make no further call. */
export interface ModelUnload {
  readonly model: string;
  readonly ramGb: number;
  readonly vramGb: number;
  /** Epoch ms. */
  readonly at: number;
  /** Where the time comes from: Ollama's own `expires_at`, or ECHO's last model call plus the keep-alive. */
  readonly from: 'ollama' | 'echo';
}

/** When an agent's model unloads if it stays quiet: its last model call plus Ollama's keep-alive. */
export function quietUnloadAt(llm: { readonly lastQueryAt: number }): number {
  return llm.lastQueryAt + OLLAMA_KEEP_ALIVE_MS;
}

/**
 * ECHO's record for a model: the latest quiet unload among the roles using it,
 * and only when every one of them has a record (a role without one could call
 * the model at any time, so nothing is promised).
 */
function echoUnloadAt(usedBy: readonly string[], work: readonly AgentWorkRecord[]): number | null {
  if (usedBy.length === 0) return null;
  let latest = -Infinity;
  for (const role of usedBy) {
    const llm = work.find((agent) => agent.role === role)?.llm;
    if (!llm) return null;
    latest = Math.max(latest, quietUnloadAt(llm));
  }
  return latest;
}

/**
 * Each loaded model that will leave memory on its own, soonest first. Ollama's
 * expiry is its scheduler's own timer and wins where it is given; where it is
 * not, ECHO's `llm_sessions` tell when the model's agents last called it. A
 * model kept for good (`keep_alive: -1`) never unloads.
 */
export function modelUnloads(models: readonly ResidentModel[], work: readonly AgentWorkRecord[] | null, now: number): ModelUnload[] {
  const unloads: ModelUnload[] = [];
  for (const model of models) {
    if (model.staysLoaded) continue;
    const ollamaAt = model.expiresAt === null ? null : Date.parse(model.expiresAt);
    const echoAt = ollamaAt === null && work ? echoUnloadAt(model.usedBy, work) : null;
    const at = ollamaAt ?? echoAt;
    if (at === null || !Number.isFinite(at)) continue;
    unloads.push({ model: normalizeModel(model.name), ramGb: model.ramGb, vramGb: model.vramGb, at: Math.max(at, now), from: ollamaAt === null ? 'echo' : 'ollama' });
  }
  return unloads.sort((a, b) => a.at - b.at);
}
