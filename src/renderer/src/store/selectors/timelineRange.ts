import type { SessionView } from '../../../../shared/model';
import { localDateOf, startOfLocalDay } from '../../../../shared/zonedDay';
import type { TimeStretch } from './timelineWatch';

/** The part of a session the timeline needs: its times, and words to name it. */
export type TimelineSession = Pick<SessionView, 'sessionId' | 'category' | 'description' | 'startedAt' | 'endedAt'>;

/** What the timeline shows: a session, or a time range up to now where ECHO records no sessions. */
export type TimelineChoice =
  | { readonly kind: 'session'; readonly session: TimelineSession }
  | { readonly kind: 'range'; readonly range: 'hour' | 'today' };

const HOUR_MS = 3_600_000;

function knownZone(timeZone: string | null): string | undefined {
  if (timeZone === null) return undefined;
  try {
    new Intl.DateTimeFormat([], { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}

/**
 * The start of the day `at` falls on, in the monitor's time zone (the
 * snapshot's, as "today" is everywhere on the page). The zone's offset is
 * read at the day's start itself, so a day that changes to or from summer
 * time starts at its own midnight.
 */
export function startOfZonedDay(at: number, timeZone: string | null): number {
  const zone = knownZone(timeZone) ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return startOfLocalDay(localDateOf(at, zone), zone);
}

/** The stretch a choice covers, up to `now` (the latest snapshot's time) for what still runs. */
export function rangeOfChoice(choice: TimelineChoice, now: number, timeZone: string | null): TimeStretch {
  if (choice.kind === 'range') {
    return { from: choice.range === 'hour' ? now - HOUR_MS : startOfZonedDay(now, timeZone), to: now };
  }
  const from = Date.parse(choice.session.startedAt);
  const end = choice.session.endedAt === null ? now : Date.parse(choice.session.endedAt);
  // A session dated ahead of this clock still gets a stretch, never one that ends before it starts.
  return { from, to: Math.max(from, end) };
}
