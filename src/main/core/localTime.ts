import type { LocalDate } from '../../shared/model';
import { addDays } from '../../shared/localDate';
import { offsetAt, pad, startOfLocalDay, wallClockAt } from '../../shared/zonedDay';

const HOUR_MS = 3_600_000;

/** A half-open interval of instants, `[start, end)`, in epoch milliseconds. */
export interface InstantRange {
  readonly start: number;
  readonly end: number;
}

/**
 * A zone, or where to read it: a long-running monitor reads the system's at
 * each poll, so a laptop that travels gets the right "today" without a restart.
 */
export type TimeZoneSource = string | (() => string);

export const zoneOf = (source: TimeZoneSource): string => (typeof source === 'function' ? source() : source);

/** The zone's canonical name when Intl knows it (any case, old aliases too), else null. */
function intlZone(name: string | undefined): string | null {
  if (name === undefined || name === '') return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

// POSIX's `std offset [dst [offset] [,rule]]`: `UTC0`, `JST-9`, `EST5EDT,M3.2.0,M11.1.0`, `<+0330>-3:30`.
const POSIX_TZ = /^(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]{3,}>)([+-]?)(\d{1,2})(?::(\d{1,2}))?(?::(\d{1,2}))?(.*)$/;

/**
 * The Intl zone a POSIX rule amounts to, where one does: a fixed whole-hour
 * offset. POSIX counts hours west of Greenwich, as the `Etc/GMT` zones do.
 */
function posixZone(match: RegExpExecArray): string | null {
  const [, sign, hours, minutes, seconds, rest] = match;
  if (Number(minutes ?? 0) !== 0 || Number(seconds ?? 0) !== 0 || rest !== '') return null;
  const offset = Number(hours);
  return offset === 0 ? 'UTC' : intlZone(`Etc/GMT${sign === '-' ? '-' : '+'}${String(offset)}`);
}

/**
 * What TZ names, as far as Intl can follow it; `zone` is null where Intl has no name for it, and Node's own reading
 * stands.
 */
export type TzVariable = { readonly valid: true; readonly zone: string | null } | { readonly valid: false };

/**
 * Reads TZ as the C library does, for the forms it accepts: a zone name
 * (`Europe/Paris`), a name or file after a colon (`:Europe/Paris`,
 * `:/etc/localtime`), a zoneinfo file's path, or a POSIX rule (`UTC0`). Only a
 * name that is none of these, such as `Mars/Phobos`, is invalid: the C
 * library and Node would both fall back to UTC without a word.
 */
export function readTzVariable(tz: string | undefined): TzVariable {
  if (tz === undefined || tz === '') return { valid: true, zone: null };
  const name = tz.startsWith(':') ? tz.slice(1) : tz;
  const known = intlZone(name.replace(/^(?:posix|right)\//, ''));
  if (known !== null) return { valid: true, zone: known };
  if (name.startsWith('/')) {
    // `/usr/share/zoneinfo/Europe/Paris` names its zone; another file (`/etc/localtime`) is the system's.
    const inZoneinfo = /\/zoneinfo\/(?:posix\/|right\/)?(.+)$/.exec(name)?.[1];
    return { valid: true, zone: intlZone(inZoneinfo) };
  }
  const posix = POSIX_TZ.exec(name);
  return posix ? { valid: true, zone: posixZone(posix) } : { valid: false };
}

/**
 * The machine's time zone as an Intl name, never undefined. Node leaves
 * Intl's zone undefined for a TZ that ICU cannot name (`UTC0`, a zoneinfo
 * file's path); the zone is then the whole-hour `Etc/GMT` zone of the offset
 * Node applies now (read again at each poll), else UTC. Where TZ itself names
 * a zone, `readTzVariable` gives it.
 */
export function systemTimeZone(): string {
  const intl = intlZone(Intl.DateTimeFormat().resolvedOptions().timeZone);
  if (intl !== null) return intl;
  const hoursWest = new Date().getTimezoneOffset() / 60;
  if (!Number.isInteger(hoursWest) || hoursWest === 0) return 'UTC';
  return intlZone(`Etc/GMT${hoursWest > 0 ? '+' : '-'}${String(Math.abs(hoursWest))}`) ?? 'UTC';
}

export { addDays };

/** Every date from `from` to `to`, both included. Empty when `to` is before `from`. */
export function datesBetween(from: LocalDate, to: LocalDate): LocalDate[] {
  const dates: LocalDate[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date);
  return dates;
}

export function localDayRange(date: LocalDate, timeZone: string): InstantRange {
  return { start: startOfLocalDay(date, timeZone), end: startOfLocalDay(addDays(date, 1), timeZone) };
}

/** From the start of `from` to the end of `to`, both local days included. */
export function localDateSpan(from: LocalDate, to: LocalDate, timeZone: string): InstantRange {
  return { start: startOfLocalDay(from, timeZone), end: startOfLocalDay(addDays(to, 1), timeZone) };
}

/**
 * The last `count` hour-long buckets, oldest first, the newest holding `now`.
 * They align to the local hour, which matters in zones offset by half an hour.
 */
export function recentHourBuckets(now: number, timeZone: string, count: number): InstantRange[] {
  const clock = wallClockAt(now, timeZone);
  const currentHourStart = Math.floor(now / 1000) * 1000 - (clock.minute * 60 + clock.second) * 1000;
  const buckets: InstantRange[] = [];
  for (let index = count - 1; index >= 0; index -= 1) {
    const start = currentHourStart - index * HOUR_MS;
    buckets.push({ start, end: start + HOUR_MS });
  }
  return buckets;
}

function offsetText(offsetMs: number): string {
  const minutes = Math.abs(offsetMs) / 60_000;
  return `${offsetMs < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/**
 * An instant as ISO 8601 in the zone's wall-clock time with its offset at that
 * instant: `2026-03-08T01:30:00-08:00`, and an hour later `03:30:00-07:00`.
 * Milliseconds are written only when there are some. Offsets before standard
 * time (local mean time, such as -04:56:02) are no whole number of minutes and
 * cannot be written as ±hh:mm; such an instant is written in UTC with `Z`,
 * which still names it exactly.
 */
export function localIsoString(instant: number, timeZone: string): string {
  const wholeSecond = Math.floor(instant / 1000) * 1000;
  const millis = instant - wholeSecond;
  const fraction = millis === 0 ? '' : `.${pad(millis, 3)}`;
  const offset = offsetAt(instant, timeZone);
  const localYear = new Date(wholeSecond + offset).getUTCFullYear();
  // ISO 8601's plain form has four-digit years; a local time past them is written in UTC, as is an offset of odd
  // seconds.
  if (offset % 60_000 !== 0 || localYear < 1 || localYear > 9999)
    return `${new Date(wholeSecond).toISOString().slice(0, 19)}${fraction}Z`;
  return `${new Date(wholeSecond + offset).toISOString().slice(0, 19)}${fraction}${offsetText(offset)}`;
}
