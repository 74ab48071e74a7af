import { useMemo } from 'react';
import { dayIn, timeIn } from '../zonedFormat';
import { useMonitor } from './monitorContext';

/** Formatters in the snapshot's time zone; they change only when the zone does, so memoised rows keep theirs. */
export function useZonedTime(): { timeOf: (instant: string | number) => string; dayOf: (instant: string) => string } {
  const timeZone = useMonitor((state) => state.snapshot?.timeZone ?? null);
  return useMemo(() => ({ timeOf: timeIn(timeZone), dayOf: dayIn(timeZone) }), [timeZone]);
}
