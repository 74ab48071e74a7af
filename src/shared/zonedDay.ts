import { parseLocalDate } from './localDate';
import type { LocalDate } from './model';

/**
 * A zone's wall clock, and the local days it makes: the arithmetic the main
 * process's days and the page's "today" both rest on, so the two agree on
 * where a day starts, summer-time changes included.
 */

const DAY_MS = 86_400_000;

export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function wallClockAt(instant: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

function wallClockAsUtc(clock: WallClock): number {
  // Not Date.UTC: it takes the years 0 to 99 for 1900 to 1999.
  const date = new Date(0);
  date.setUTCFullYear(clock.year, clock.month - 1, clock.day);
  date.setUTCHours(clock.hour, clock.minute, clock.second, 0);
  return date.getTime();
}

/** How far the zone's wall clock is ahead of UTC at this instant. */
export function offsetAt(instant: number, timeZone: string): number {
  const wholeSecond = Math.floor(instant / 1000) * 1000;
  return wallClockAsUtc(wallClockAt(wholeSecond, timeZone)) - wholeSecond;
}

export function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

export function localDateOf(instant: number, timeZone: string): LocalDate {
  const clock = wallClockAt(instant, timeZone);
  return `${pad(clock.year, 4)}-${pad(clock.month)}-${pad(clock.day)}`;
}

/**
 * The first instant of a local day. Usually local midnight; where a DST change
 * skips midnight (as in Santiago or Havana), the moment the clocks jump.
 */
export function startOfLocalDay(date: LocalDate, timeZone: string): number {
  const { year, month, day } = parseLocalDate(date);
  const midnightAsUtc = Date.UTC(year, month - 1, day);
  let guess = midnightAsUtc - offsetAt(midnightAsUtc, timeZone);
  // A second pass settles the case where the offset at the guess differs from the first probe's.
  guess = midnightAsUtc - offsetAt(guess, timeZone);
  if (localDateOf(guess, timeZone) === date && localDateOf(guess - 1000, timeZone) < date) return guess;
  return firstInstantOnOrAfter(date, midnightAsUtc, timeZone);
}

/** Binary search for the earliest whole second whose local date is `date` or later. */
function firstInstantOnOrAfter(date: LocalDate, midnightAsUtc: number, timeZone: string): number {
  // No zone is more than 14 hours from UTC, so the answer lies within a day of the naive guess.
  let low = Math.floor((midnightAsUtc - DAY_MS) / 1000);
  let high = Math.floor((midnightAsUtc + DAY_MS) / 1000);
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (localDateOf(middle * 1000, timeZone) >= date) high = middle;
    else low = middle + 1;
  }
  return low * 1000;
}
