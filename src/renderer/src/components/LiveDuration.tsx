import { formatDuration } from '../../../shared/format';
import { useMonitor } from '../hooks/monitorContext';
import { useNow } from '../hooks/useNow';
import { liveSeconds } from '../store/selectors';

/** A running duration that ticks every second from the snapshot's time, without asking the server. */
export function LiveDuration({ startedAt }: { readonly startedAt: string }) {
  const now = useNow();
  const takenAt = useMonitor((state) => state.snapshot?.takenAt ?? null);
  const receivedAt = useMonitor((state) => state.receivedAt);
  if (takenAt === null || receivedAt === null) return null;
  return <span className="live-duration">{formatDuration(liveSeconds(startedAt, takenAt, receivedAt, now))}</span>;
}
