import { useMonitor } from '../hooks/monitorContext';
import type { TimelineSession } from '../store/selectors/timelineRange';

/** Opens a session's timeline, and takes the keyboard there. */
export function TimelineButton({ session }: { readonly session: TimelineSession }) {
  const openTimeline = useMonitor((state) => state.openTimeline);
  return (
    <button
      type="button"
      className="timeline-open"
      aria-label={`Timeline of session ${session.sessionId}`}
      onClick={() => {
        openTimeline({ kind: 'session', session }, true);
      }}
    >
      Timeline
    </button>
  );
}
