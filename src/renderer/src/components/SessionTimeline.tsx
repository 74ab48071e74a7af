import { useEffect, useMemo, useRef, useState } from 'react';
import { formatBytes } from '../../../shared/format';
import type { SessionView } from '../../../shared/model';
import { EVENT_LOG_LIMIT } from '../../../shared/series';
import { useMonitor } from '../hooks/monitorContext';
import { useThrottled } from '../hooks/useThrottled';
import { useZonedTime } from '../hooks/useZonedTime';
import { runningNowOf, selectTimeline, type TimelineView } from '../store/selectors/sessionTimeline';
import { rangeOfChoice, type TimelineChoice, type TimelineSession } from '../store/selectors/timelineRange';
import { TimelineLanes, type TimelineItem } from './charts/TimelineLanes';
import { TimelineKey } from './charts/TimelineKey';

/** The events and samples redraw the timeline at most once a second, as they do the resource chart. */
const TIMELINE_INTERVAL_MS = 1000;

const RANGES = [
  { range: 'hour', name: 'Last hour' },
  { range: 'today', name: 'Today' },
] as const;

/** The chosen session as it stands now: it may have ended since it was picked. */
function latestOf(session: TimelineSession, lists: ReadonlyArray<readonly SessionView[] | null | undefined>) {
  for (const list of lists) {
    const found = list?.find((known) => known.sessionId === session.sessionId);
    if (found !== undefined) return found;
  }
  return session;
}

function nameOf(choice: TimelineChoice): string {
  if (choice.kind === 'range') return choice.range === 'hour' ? 'the last hour' : 'today';
  return `session ${choice.session.sessionId}`;
}

/** What the monitor could not have seen of the time shown, in words; empty where it saw all of it. */
function CoverageNotes({ view, what }: { readonly view: TimelineView; readonly what: string }) {
  const { timeOf, dayOf } = useZonedTime();
  const knownFrom = view.coverage.knownFrom;
  const when = (at: number): string => `${dayOf(new Date(at).toISOString())} ${timeOf(at)}`;
  return (
    <>
      {view.coverage.kind === 'none' && (
        <p className="timeline-note" role="note">
          {knownFrom === null
            ? `The monitor has logged nothing yet, so nothing is known of ${what}.`
            : `The monitor's event log does not reach back to ${what}: it keeps the newest ${EVENT_LOG_LIMIT.toLocaleString('en')} events, and the oldest it holds is from ${when(knownFrom)}. Its agents, models and tasks are not known.`}
        </p>
      )}
      {view.coverage.kind === 'part' && knownFrom !== null && (
        <p className="timeline-note" role="note">
          The monitor&apos;s event log begins at {when(knownFrom)}: what happened before then is not known (shaded).
        </p>
      )}
      {view.unwatched.length > 0 && (
        <p className="timeline-note" role="note">
          The monitor was not running for part of this time (hatched): nothing was seen then.
        </p>
      )}
    </>
  );
}

/**
 * A session's timeline, or the last hour's or today's where ECHO records no
 * sessions: agents starting and stopping, models loading and unloading, tasks
 * delegated and decisions, one row each, from the monitor's event log.
 */
export function SessionTimeline() {
  const { timeOf } = useZonedTime();
  const snapshot = useMonitor((state) => state.snapshot);
  const pastSessions = useMonitor((state) => state.pastHistory.sessions);
  const choice = useMonitor((state) => state.timelineChoice);
  const openings = useMonitor((state) => state.timelineOpenings);
  const openTimeline = useMonitor((state) => state.openTimeline);
  const events = useMonitor((state) => state.events);
  const series = useMonitor((state) => state.series);
  const latest = useMemo(() => ({ events, series, snapshot }), [events, series, snapshot]);
  const shown = useThrottled(latest, TIMELINE_INTERVAL_MS);
  // What was picked, with the choice it was picked in: another session or range starts with nothing picked.
  const [picked, setPicked] = useState<{ readonly choice: TimelineChoice; readonly item: TimelineItem } | null>(null);
  const selected = picked?.choice === choice ? picked.item : null;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // Opened from a session's row: the keyboard, and the eye, follow to the timeline.
    if (openings === 0) return;
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: 'start' });
  }, [openings]);
  const session =
    choice.kind === 'session'
      ? latestOf(choice.session, [snapshot?.activeSessions, snapshot?.history, pastSessions])
      : null;
  const view = useMemo(() => {
    const current = shown.snapshot;
    if (current === null) return null;
    const now = Date.parse(current.takenAt);
    const shownChoice: TimelineChoice = session === null ? choice : { kind: 'session', session };
    return selectTimeline({
      range: rangeOfChoice(shownChoice, now, current.timeZone),
      events: shown.events,
      series: shown.series,
      logLimit: EVENT_LOG_LIMIT,
      running: runningNowOf(current),
    });
  }, [shown, choice, session]);
  if (view === null) return null;
  const what = nameOf(choice);
  const lanes = view.agents.length + view.models.length + view.tasks.length + view.decisions.length;
  return (
    <section className="panel timeline-panel" aria-labelledby="timeline-heading">
      <header className="panel-header with-control">
        <div className="timeline-heading">
          <h2 id="timeline-heading" ref={heading} tabIndex={-1}>
            Timeline
          </h2>
          <p className="muted timeline-subject">
            {session === null
              ? `Agents, models, tasks and decisions over ${what}; each session's Timeline button shows that session`
              : `${session.category} session ${session.sessionId}: ${session.description ?? 'no description'}, ${session.endedAt === null ? 'running' : 'ended'}`}
          </p>
        </div>
        <div className="segmented" role="group" aria-label="Time range">
          {RANGES.map(({ range, name }) => (
            <button
              key={range}
              type="button"
              aria-pressed={choice.kind === 'range' && choice.range === range}
              onClick={() => {
                openTimeline({ kind: 'range', range });
              }}
            >
              {name}
            </button>
          ))}
        </div>
      </header>
      <CoverageNotes view={view} what={what} />
      {lanes === 0 ? (
        view.coverage.kind !== 'none' && <p className="empty">Nothing ran, loaded or was delegated in {what}.</p>
      ) : (
        <>
          <TimelineLanes
            view={view}
            label={`Timeline of ${what}, ${timeOf(view.from)} to ${timeOf(view.to)}`}
            timeOf={timeOf}
            selectedId={selected?.id ?? null}
            onSelect={(item) => {
              setPicked({ choice, item });
            }}
          />
          <p className="timeline-detail" role="status">
            {selected?.text ?? 'Pick a bar or a mark, or reach it with Tab and the arrow keys, for its details.'}
          </p>
          <TimelineKey view={view} />
          {view.peakMemory !== null && (
            <p className="timeline-note">
              The agents&apos; memory peaked at {formatBytes(view.peakMemory.bytes)} at {timeOf(view.peakMemory.at)}.
            </p>
          )}
        </>
      )}
    </section>
  );
}
