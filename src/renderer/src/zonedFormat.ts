/**
 * Times and dates in the monitor's time zone (the snapshot's), not this
 * browser's: `serve` viewed from another zone then agrees with `status` and
 * with what "today" means on the monitored machine. One formatter per zone,
 * built once: building one per call is what costs.
 */
const formatters = new Map<string, { time: Intl.DateTimeFormat; day: Intl.DateTimeFormat }>();

function formattersFor(timeZone: string | null): { time: Intl.DateTimeFormat; day: Intl.DateTimeFormat } {
  const key = timeZone ?? '';
  let found = formatters.get(key);
  if (!found) {
    const zone = timeZone !== null && isKnownZone(timeZone) ? timeZone : undefined;
    found = {
      time: new Intl.DateTimeFormat([], {
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
        timeZone: zone,
      }),
      day: new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: zone }),
    };
    formatters.set(key, found);
  }
  return found;
}

function isKnownZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat([], { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** `14:23:05` in the zone; null: this browser's own, before any snapshot says. */
export const timeIn =
  (timeZone: string | null) =>
  (instant: string | number): string =>
    formattersFor(timeZone).time.format(new Date(instant));

/** `2026-11-24` in the zone. */
export const dayIn =
  (timeZone: string | null) =>
  (instant: string): string =>
    formattersFor(timeZone).day.format(new Date(instant));
