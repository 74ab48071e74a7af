import { z } from 'zod';
import { formatRole } from '../../../shared/format';
import { REGISTRY_EVENT_TYPES, type MonitorEvent } from '../../../shared/monitorEvent';
import { parseJson } from '../../../shared/jsonLine';
import { describeIssues } from '../../../shared/zodIssues';

/** A message on `delegator:events`. Fields beyond the common ones are kept as they came. */
const registryEventSchema = z.looseObject({
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

function describe(event: RegistryEvent): string {
  const who = event.role ? formatRole(event.role) : 'An agent';
  const model = event.model ? ` (${event.model})` : '';
  switch (event.type) {
    case 'agent_spawned':
      return `${who} spawned${model}`;
    case 'agent_stopped':
      return `${who} stopped`;
    case 'agent_crashed':
      return `${who} crashed${event.error ? `: ${event.error}` : ''}`;
    case 'session_started':
      return event.session_id ? `Session ${event.session_id} started` : 'A session started';
    case 'session_ended':
      return event.session_id ? `Session ${event.session_id} ended` : 'A session ended';
    case 'command_ack': {
      const verdict = event.ok === false ? `refused${event.error ? `: ${event.error}` : ''}` : 'done';
      return `Command ${event.id ?? '(no id)'} ${verdict}`;
    }
  }
}

/** The delegator's announcement as an entry of the monitor's event stream. */
export function toMonitorEvent(event: RegistryEvent, sequence: number): MonitorEvent {
  const entry: MonitorEvent = {
    id: `${event.at}:${event.type}:registry:${sequence}`,
    at: event.at,
    type: event.type,
    origin: 'registry',
    message: describe(event),
  };
  if (event.role !== undefined) entry.role = event.role;
  if (event.session_id !== undefined) entry.sessionId = event.session_id;
  if (event.model !== undefined) entry.model = event.model;
  return entry;
}
