import { CATEGORY_AGENTS } from '../core/echoRoster';
import { CATEGORY_WEIGHTS, TASKS } from './catalog';
import { echoTimestamp } from './delegatorWriter';
import type { EchoMessages, MessageRow } from './echoMessages';
import { SeededRandom } from './random';
import {
  AGENT_ROLES,
  chatter,
  delegationRequest,
  PARTICIPATION,
  PRIORITIES,
  processingError,
  TASK_TYPES,
} from './workCatalog';

/** Past messages go back at most this far, whatever the sessions' backfill: the monitor charts a month of them. */
export const MESSAGE_BACKFILL_DAYS = 90;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Mixed into each day's seed, so the messages' stream is not the sessions'. */
const MESSAGE_STREAM = 0x6d736773;

/** A moment of the working day, to the microsecond, as ECHO's timestamps are. */
function momentOf(day: SeededRandom, dayStart: number): number {
  return dayStart + Math.floor(day.between(7, 21) * 3_600_000) + day.int(0, 999) / 1000;
}

/** A message read `afterMinutes` later, failed now and then, as ECHO's agents leave them. */
function read(
  day: SeededRandom,
  draft: Omit<MessageRow, 'processedAt' | 'error'>,
  afterMinutes: number,
  failure: number,
): MessageRow {
  const processedAt = draft.at + afterMinutes * MINUTE_MS;
  const reader = draft.to === 'all' ? day.pick(AGENT_ROLES) : draft.to;
  return { ...draft, processedAt, error: day.chance(failure) ? processingError(day, reader) : null };
}

/** An answer to a request, never read when it goes to the delegator (ECHO's marks nothing). */
function answer(day: SeededRandom, request: MessageRow): MessageRow | null {
  if (request.error !== null || request.processedAt === null || request.to === 'all' || !day.chance(0.6)) return null;
  const [participation, words] = day.pick(PARTICIPATION);
  const at = request.processedAt + day.between(0.1, 2) * MINUTE_MS;
  const draft = {
    from: request.to,
    to: request.from,
    type: 'response' as const,
    subject: `Re: ${request.subject}`.slice(0, 255),
    content: { content: words, participation_type: participation, timestamp: echoTimestamp(at) },
    at,
  };
  return request.from === 'delegator'
    ? { ...draft, processedAt: null, error: null }
    : read(day, draft, day.between(0.1, 10), 0.03);
}

/** One day's tasks from the delegator, each to the CEO or to its category's agents, and their answers. */
function delegations(day: SeededRandom, dayStart: number, count: number): MessageRow[] {
  const rows: MessageRow[] = [];
  for (let index = 0; index < count; index += 1) {
    const at = momentOf(day, dayStart);
    const category = day.weighted(CATEGORY_WEIGHTS);
    const type = day.pick(TASK_TYPES[category] ?? ['general']);
    const task = {
      type,
      description: day.pick(TASKS[category] ?? ['Routine work']),
      context: { priority: day.weighted(PRIORITIES) },
    };
    const agents = CATEGORY_AGENTS[category] ?? ['ceo'];
    const hierarchical = agents.includes('ceo');
    const requestId = `req_${String(Math.floor(at))}_${day.hex(8)}`;
    for (const [offset, to] of (hierarchical ? ['ceo'] : agents).entries()) {
      const sent = at + offset * 0.004;
      const request = read(
        day,
        { ...delegationRequest(to, task, { id: requestId, hierarchical, at: sent }), at: sent },
        day.between(0.2, 8),
        0.06,
      );
      rows.push(request);
      const reply = answer(day, request);
      if (reply) rows.push(reply);
    }
  }
  return rows;
}

/** One day's messages between agents, and their answers. */
function conversations(day: SeededRandom, dayStart: number, count: number): MessageRow[] {
  const rows: MessageRow[] = [];
  for (let index = 0; index < count; index += 1) {
    const from = day.pick(AGENT_ROLES);
    const { to, type, subject } = chatter(day, from);
    if (to === from) continue;
    const message = read(
      day,
      { from, to, type, subject, content: { content: subject, from_role: from }, at: momentOf(day, dayStart) },
      day.between(0.1, 20),
      0.05,
    );
    rows.push(message);
    const reply = type === 'request' ? answer(day, message) : null;
    if (reply) rows.push(reply);
  }
  return rows;
}

/**
 * Past `messages`, one list per UTC day (oldest first), for the `days` whole
 * days before `now`'s day (at most MESSAGE_BACKFILL_DAYS) and today's up to
 * `now`: the delegator's tasks and the agents' answers and exchanges, read
 * or failed as ECHO's agents leave them, answers to the delegator unread. A
 * message not yet due to be read by `now` is unread. Each day has its own
 * seeded stream: the same seed and day give the same rows.
 */
export function planMessageBackfill(days: number, seed: number, now: number): MessageRow[][] {
  const planned: MessageRow[][] = [];
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  for (let back = Math.min(days, MESSAGE_BACKFILL_DAYS); back >= 0; back -= 1) {
    const dayStart = today - back * DAY_MS;
    const day = new SeededRandom((seed ^ MESSAGE_STREAM ^ Math.floor(dayStart / DAY_MS)) >>> 0);
    const weekend = [0, 6].includes(new Date(dayStart).getUTCDay());
    const rows = [
      ...delegations(day, dayStart, weekend ? day.int(0, 3) : day.int(14, 30)),
      ...conversations(day, dayStart, weekend ? day.int(0, 10) : day.int(40, 90)),
    ];
    planned.push(
      rows
        .filter((row) => row.at < now)
        .map((row) =>
          row.processedAt !== null && row.processedAt > now ? { ...row, processedAt: null, error: null } : row,
        )
        .sort((a, b) => a.at - b.at),
    );
  }
  return planned;
}

/**
 * Writes the planned days, each whole or not at all, and never one already there; returns how many messages were added.
 */
export async function insertMessageBackfill(messages: EchoMessages, days: readonly MessageRow[][]): Promise<number> {
  let added = 0;
  for (const rows of days) added += await messages.insertDay(rows);
  return added;
}
