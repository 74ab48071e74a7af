import { gbToBytes } from '../../shared/format';
import { ROLE_MEMORY_GB, UNKNOWN_AGENT_MEMORY_GB } from './echoRoster';

/** The user's own figures (GB), which beat every rule. A model's figure beats a role's. */
export interface MemoryOverrides {
  readonly byModel?: Readonly<Record<string, number>>;
  readonly byRole?: Readonly<Record<string, number>>;
}

/**
 * Billions of parameters named in a model tag: `deepseek-coder:6.7b` → 6.7,
 * `llama3.1:8b-instruct-q4_K_M` → 8, `mixtral:8x7b` → 56. Null when the tag names none.
 */
export function parameterBillions(model: string): number | null {
  const tag = model.includes(':') ? model.slice(model.lastIndexOf(':') + 1) : model;
  const match = /(?:^|[^a-z0-9.])(?:(\d+)x)?(\d+(?:\.\d+)?)b(?![a-z0-9])/i.exec(tag);
  if (!match) return null;
  const experts = match[1] === undefined ? 1 : Number(match[1]);
  const billions = Number(match[2]) * experts;
  return billions > 0 ? billions : null;
}

/** The rule: 1 GB per billion parameters of the model, the seed's role table where the tag says nothing. */
export function estimateMemoryGb(role: string, model: string, overrides: MemoryOverrides = {}): number {
  return (
    overrides.byModel?.[model] ??
    overrides.byRole?.[role] ??
    parameterBillions(model) ??
    ROLE_MEMORY_GB[role] ??
    UNKNOWN_AGENT_MEMORY_GB
  );
}

/** The rule's figure in whole bytes, as every other memory figure is kept. */
export function estimateMemoryBytes(role: string, model: string, overrides?: MemoryOverrides): number {
  return gbToBytes(estimateMemoryGb(role, model, overrides));
}
