import { z } from 'zod';
import { describeIssues, parseJson } from './screening';

export const REGISTRY_EVENT_TYPES = [
  'agent_spawned',
  'agent_stopped',
  'agent_crashed',
  'session_started',
  'session_ended',
  'command_ack',
] as const;

/** A message on `delegator:events`. Fields beyond the common ones are kept as they came. */
export const registryEventSchema = z.looseObject({
  type: z.enum(REGISTRY_EVENT_TYPES),
  at: z.iso.datetime({ offset: true }).transform((text) => new Date(text).toISOString()),
  role: z.string().optional(),
  session_id: z.string().optional(),
  model: z.string().optional(),
  id: z.string().optional(),
  ok: z.boolean().optional(),
  error: z.string().optional(),
});
export type RegistryEvent = z.infer<typeof registryEventSchema>;

export type RegistryEventResult = { ok: true; event: RegistryEvent } | { ok: false; reason: string };

export function readRegistryEvent(text: string): RegistryEventResult {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, reason: 'event: not JSON' };
  const parsed = registryEventSchema.safeParse(json.value);
  if (!parsed.success) return { ok: false, reason: `event: ${describeIssues(parsed.error)}` };
  return { ok: true, event: parsed.data };
}
