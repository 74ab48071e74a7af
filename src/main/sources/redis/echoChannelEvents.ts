import { z } from 'zod';
import { clipText, TEXT_LIMITS } from '../../../shared/clipText';
import { parseJson } from '../../../shared/jsonLine';
import { boundedEvent, type MonitorEvent } from '../../../shared/monitorEvent';
import { echoMessageText, partyName } from '../../../shared/workText';
import { describeIssues } from '../../../shared/zodIssues';

/**
 * ECHO's own channels (EchoShared.MessageBus): `messages:<role>`, `messages:all`
 * and `messages:leadership` carry the agents' messages, `decisions:<event>` the
 * decision events. ECHO publishes them unprefixed, whatever `REDIS_PREFIX` says.
 */
export const ECHO_CHANNEL_PATTERNS = ['messages:*', 'decisions:*'] as const;

/** The events `publish_decision_event` accepts; each goes out on `decisions:<event>`. */
export const DECISION_EVENTS = ['new', 'vote_required', 'completed', 'escalated'] as const;

/**
 * ECHO's ids are short (`msg_` and 16 hex digits, a uuid, a bigserial). Bounding
 * them and the channel keeps an event's id under the log's label limit, so it is
 * never cut and two messages never share one.
 */
const ID_LIMIT = 100;
const CHANNEL_LIMIT = 100;

/**
 * Past this a message is not parsed at all: ECHO's largest (a task and its
 * context) is a few kilobytes, and JSON.parse of a huge one would stall the
 * main process for nothing the log keeps.
 */
export const MESSAGE_CHARS_LIMIT = 1_000_000;

/** Recipients that are not one agent. The delegator is not one of ECHO's agents either. */
const NOT_AN_AGENT = new Set(['all', 'leadership', 'delegator']);

/** `DateTime.to_iso8601` of a UTC time (`2026-11-24T14:23:05.123456Z`), kept as an instant in milliseconds. */
const timestampSchema = z.iso.datetime({ offset: true }).transform((text) => new Date(text).toISOString());
const idSchema = z.string().min(1).max(ID_LIMIT);
/** Jason writes nil as null; an optional text that is null says nothing. */
const optionalText = z.string().nullish();

/**
 * `publish_message` and `broadcast_message`: `{db_id, id, from, to, type, subject, content, metadata: {timestamp, …}}`.
 */
const echoMessageSchema = z.looseObject({
  db_id: z.number().int().nonnegative(),
  id: idSchema,
  from: z.string().min(1),
  to: z.string().min(1),
  type: z.string().min(1),
  subject: z.string(),
  metadata: z.looseObject({ timestamp: timestampSchema }),
});
export type EchoMessage = z.infer<typeof echoMessageSchema>;

/**
 * `publish_decision_event`: the caller's data (decision_id, and type, mode, initiator or status) with `{event,
 * timestamp}`.
 */
const echoDecisionSchema = z.looseObject({
  event: z.enum(DECISION_EVENTS),
  timestamp: timestampSchema,
  // A uuid from `decisions`; a number is accepted, as nothing in ECHO forbids one.
  decision_id: z.union([idSchema, z.number().int()]).transform(String),
  type: optionalText,
  mode: optionalText,
  initiator: optionalText,
  status: optionalText,
});
export type EchoDecision = z.infer<typeof echoDecisionSchema>;

export type EchoChannelResult = { ok: true; event: MonitorEvent } | { ok: false; reason: string };

const label = (text: string): string => clipText(text, TEXT_LIMITS.label);

function party(role: string): string {
  return label(partyName(role));
}

/**
 * The role a view can link the event to: only a name ECHO could really give an
 * agent; a longer one cut would name another agent, so it is left off instead.
 */
function agentRole(...candidates: ReadonlyArray<string | null | undefined>): string | undefined {
  return candidates.find(
    (role): role is string =>
      typeof role === 'string' && role.length > 0 && role.length <= TEXT_LIMITS.label && !NOT_AN_AGENT.has(role),
  );
}

/** A message between ECHO's agents, or a task the delegator handed one. */
export function messageEvent(channel: string, message: EchoMessage): MonitorEvent {
  const delegated = message.from === 'delegator';
  const text = echoMessageText(message, label);
  const event: MonitorEvent = {
    // ECHO's own ids: `db_id` is the `messages` row, `id` the publish; the channel tells a copy apart.
    id: `echo:${channel}:${String(message.db_id)}:${message.id}`,
    at: message.metadata.timestamp,
    type: delegated ? 'task_delegated' : 'agent_message',
    origin: 'echo',
    message: text,
  };
  // The recipient; for a group or the delegator, the agent that wrote.
  const role = agentRole(message.to, message.from);
  if (role !== undefined) event.role = role;
  return boundedEvent(event);
}

function decisionText(decision: EchoDecision): string {
  const name = decision.type ? `Decision ${label(decision.type)}` : 'Decision';
  const suffix = `, id ${decision.decision_id}`;
  switch (decision.event) {
    case 'new': {
      const by = decision.initiator ? ` by ${party(decision.initiator)}` : '';
      const mode = decision.mode ? ` (${label(decision.mode)})` : '';
      return `${name} opened${by}${mode}${suffix}`;
    }
    case 'vote_required':
      return `${name}: vote required${suffix}`;
    case 'completed':
      return `${name} completed${decision.status ? `: ${label(decision.status)}` : ''}${suffix}`;
    case 'escalated':
      return `${name} escalated${suffix}`;
  }
}

/** A decision event, as ECHO's CEO and CTO publish them. */
export function decisionEvent(channel: string, decision: EchoDecision): MonitorEvent {
  const event: MonitorEvent = {
    // One decision is opened, voted, completed: its id, the channel and the time tell each apart.
    id: `echo:${channel}:${decision.decision_id}:${decision.timestamp}`,
    at: decision.timestamp,
    type: `decision_${decision.event}`,
    origin: 'echo',
    message: decisionText(decision),
  };
  const role = agentRole(decision.initiator);
  if (role !== undefined) event.role = role;
  return boundedEvent(event);
}

/**
 * One message heard on ECHO's channels as an entry of the event stream, or why
 * it was left out. Never throws: whatever is published there is untrusted.
 */
export function readEchoChannelMessage(channel: string, text: string): EchoChannelResult {
  if (channel.length > CHANNEL_LIMIT)
    return { ok: false, reason: `echo: a channel name of ${channel.length.toLocaleString('en')} characters` };
  const where = `echo ${channel}`;
  if (text.length > MESSAGE_CHARS_LIMIT) {
    return {
      ok: false,
      reason: `${where}: ${text.length.toLocaleString('en')} characters, over the ${MESSAGE_CHARS_LIMIT.toLocaleString('en')} read`,
    };
  }
  const isMessage = channel.startsWith('messages:');
  if (!isMessage && !channel.startsWith('decisions:'))
    return { ok: false, reason: `${where}: not one of ECHO's channels` };
  const json = parseJson(text);
  if (!json.ok) return { ok: false, reason: `${where}: not JSON` };
  if (isMessage) {
    const parsed = echoMessageSchema.safeParse(json.value);
    if (!parsed.success) return { ok: false, reason: `${where}: ${describeIssues(parsed.error)}` };
    return { ok: true, event: messageEvent(channel, parsed.data) };
  }
  const parsed = echoDecisionSchema.safeParse(json.value);
  if (!parsed.success) return { ok: false, reason: `${where}: ${describeIssues(parsed.error)}` };
  // ECHO publishes each event on its own channel; anything else was not ECHO.
  if (channel !== `decisions:${parsed.data.event}`)
    return { ok: false, reason: `${where}: a "${parsed.data.event}" event on another channel` };
  return { ok: true, event: decisionEvent(channel, parsed.data) };
}
