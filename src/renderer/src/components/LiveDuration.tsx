import { formatDuration } from '../../../shared/format';
import { useMonitor } from '../hooks/monitorContext';
import { useNow } from '../hooks/useNow';
import { datedInFuture, liveSeconds } from '../store/selectors/liveSeconds';

/** A running duration that ticks every second from the snapshot's time, without asking the server. */
export function LiveDuration({ startedAt }: { readonly startedAt: string }) {
  const now = useNow();
  // The anchor, not the snapshot's time: it stays put from one snapshot to the next, and so does this component.
  const clock = useMonitor((state) => state.clock);
  if (clock === null) return null;
  if (datedInFuture(startedAt, clock.takenAt, clock.receivedAt, now))
    return <span className="live-duration warning-text">dated in the future</span>;
  return (
    <span className="live-duration">
      {formatDuration(liveSeconds(startedAt, clock.takenAt, clock.receivedAt, now))}
    </span>
  );
}
