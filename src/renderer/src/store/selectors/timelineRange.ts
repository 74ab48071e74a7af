import type { SessionView } from '../../../../shared/model';
import type { TimeStretch } from './timelineWatch';

/** The part of a session the timeline needs: its times, and words to name it. */
export type TimelineSession = Pick<SessionView, 'sessionId' | 'category' | 'description' | 'startedAt' | 'endedAt'>;

/** What the timeline shows: a session, or a time range up to now where ECHO records no sessions. */
export type TimelineChoice =
  | { readonly kind: 'session'; readonly session: TimelineSession }
  | { readonly kind: 'range'; readonly range: 'hour' | 'today' };

const HOUR_MS = 3_600_000;

/** The zone's wall clock at `at`, read as if it were UTC: its difference from `at` is the zone's offset then. */
function wallClockMs(at: number, timeZone: string | undefined): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((entry) => entry.type === type)?.value ?? 0);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
}

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
  const zone = knownZone(timeZone);
  const wall = wallClockMs(at, zone);
  const midnightWall = wall - (((wall % 86_400_000) + 86_400_000) % 86_400_000);
  const guess = midnightWall - (wall - Math.floor(at / 1000) * 1000);
  return midnightWall - (wallClockMs(guess, zone) - guess);
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
