import type { AgentWork } from './echoWorkModel';
import { formatDuration, formatRole } from './format';

/** Recipients that are not one agent (MessageBus.broadcast_message's `all`, `leadership`). */
const GROUPS: Readonly<Record<string, string>> = { all: 'all agents', leadership: 'leadership' };

/** A role as people read it, or the group a message went to. */
export function partyName(role: string): string {
  return GROUPS[role] ?? formatRole(role);
}

/**
 * `Delegator → CEO: Plan the quarter`, `CEO → CTO (request): Budget`: one of
 * ECHO's messages in a line, heard on its channels or read from `messages`.
 * `fit` cuts each part where the text is untrusted; names are formatted before
 * the cut, so the cut's own marker is not title-cased.
 */
export function echoMessageText(
  message: { readonly from: string; readonly to: string; readonly type: string; readonly subject: string },
  fit: (text: string) => string = (text) => text,
): string {
  const route = `${fit(partyName(message.from))} → ${fit(partyName(message.to))}`;
  const trimmed = message.subject.trim();
  const subject = trimmed === '' ? '(no subject)' : fit(trimmed);
  return message.from === 'delegator' ? `${route}: ${subject}` : `${route} (${fit(message.type)}): ${subject}`;
}

/**
 * An agent's backlog and last activity from ECHO's records, as short phrases: `3 waiting, oldest 12m 0s`, `last sent 2m
 * 0s ago`.
 */
export function agentWorkParts(work: AgentWork | undefined, now: number): string[] {
  if (work === undefined) return [];
  return [
    work.backlog === 0 ? null : `${work.backlog} waiting, oldest ${formatDuration(work.waiting[0]?.ageSeconds ?? 0)}`,
    work.failuresTotal === 0 ? null : `${work.failuresTotal} failed`,
    work.lastSent === null ? null : `last sent ${formatDuration(work.lastSent.ageSeconds)} ago`,
    work.llm === null
      ? null
      : `model called ${formatDuration(Math.max(0, Math.floor((now - Date.parse(work.llm.lastQueryAt)) / 1000)))} ago`,
    // ECHO sends no keep-alive: a quiet agent's model leaves Ollama 5 minutes after its last call.
    work.llm === null || work.llm.quietUnloadInSeconds === 0
      ? null
      : `its model unloads in ${formatDuration(work.llm.quietUnloadInSeconds)} if it stays quiet`,
  ].filter((part): part is string => part !== null);
}
