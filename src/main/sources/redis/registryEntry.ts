import { z } from 'zod';
import type { AgentRecord } from '../../../shared/model';
import { defaultModelFor } from '../../core/echoRoster';
import { parseJson } from '../../../shared/jsonLine';
import { describeIssues } from '../../../shared/zodIssues';
import { clipText, TEXT_LIMITS } from '../../../shared/clipText';

const instant = z.iso.datetime({ offset: true }).transform((text) => new Date(text).toISOString());

/** A name a control acts on: cutting it would name something else, so a longer one is refused. */
const identifier = z
  .string()
  .min(1)
  .max(TEXT_LIMITS.label, `longer than ${String(TEXT_LIMITS.label)} characters`);
/** A label only shown: cut, and marked, where it enters. */
const label = z
  .string()
  .min(1)
  .transform((text) => clipText(text, TEXT_LIMITS.label));

/** One value of the `delegator:agents` hash. Only `role` is required. */
const registryEntrySchema = z.object({
  role: identifier,
  model: identifier.optional(),
  spawned_at: instant.optional(),
  session_id: identifier.optional(),
  pid: z.number().int().positive().optional(),
  host: label.optional(),
  // starting|running|stopping|error today; a newer delegator's word is shown as it is.
  status: label.optional(),
  last_heartbeat: instant.optional(),
});

export type RegistryEntryResult = { ok: true; agent: AgentRecord } | { ok: false; reason: string };

/** Reads one hash field; the field is the role, and the JSON must agree with it. */
export function readRegistryEntry(hashField: string, text: string): RegistryEntryResult {
  // The field names the entry in every reason; a hostile one must not make each reason huge.
  const field = clipText(hashField, TEXT_LIMITS.label);
  const json = parseJson(text);
  if (!json.ok) return { ok: false, reason: `agent ${field}: not JSON` };
  const parsed = registryEntrySchema.safeParse(json.value);
  if (!parsed.success) {
    return { ok: false, reason: `agent ${field}: ${describeIssues(parsed.error)}` };
  }
  const entry = parsed.data;
  if (entry.role !== hashField) {
    return { ok: false, reason: `agent ${field}: the entry names role ${entry.role}` };
  }
  return {
    ok: true,
    agent: {
      role: entry.role,
      model: entry.model ?? defaultModelFor(entry.role),
      spawnedAt: entry.spawned_at ?? null,
      sessionId: entry.session_id ?? null,
      pid: entry.pid ?? null,
      host: entry.host ?? null,
      status: entry.status ?? null,
      lastHeartbeat: entry.last_heartbeat ?? null,
      origins: ['registry'],
    },
  };
}
