import { z } from 'zod';
import type { AgentRecord } from '../../shared/model';
import { defaultModelFor } from '../core/echoRoster';
import { parseJson } from '../../shared/jsonLine';
import { describeIssues } from '../../shared/zodIssues';

const instant = z.iso.datetime({ offset: true }).transform((text) => new Date(text).toISOString());

/** One value of the `delegator:agents` hash. Only `role` is required. */
const registryEntrySchema = z.object({
  role: z.string().min(1),
  model: z.string().min(1).optional(),
  spawned_at: instant.optional(),
  session_id: z.string().min(1).optional(),
  pid: z.number().int().positive().optional(),
  host: z.string().min(1).optional(),
  // starting|running|stopping|error today; a newer delegator's word is shown as it is.
  status: z.string().min(1).optional(),
  last_heartbeat: instant.optional(),
});

export type RegistryEntryResult = { ok: true; agent: AgentRecord } | { ok: false; reason: string };

/** Reads one hash field; the field is the role, and the JSON must agree with it. */
export function readRegistryEntry(field: string, text: string): RegistryEntryResult {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, reason: `agent ${field}: not JSON` };
  const parsed = registryEntrySchema.safeParse(json.value);
  if (!parsed.success) {
    return { ok: false, reason: `agent ${field}: ${describeIssues(parsed.error)}` };
  }
  const entry = parsed.data;
  if (entry.role !== field) {
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
