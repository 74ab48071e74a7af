import type { TimelineChoice } from './selectors/timelineRange';

export interface TimelineSlice {
  /** What the timeline shows; the last hour until a session or another range is picked. */
  readonly timelineChoice: TimelineChoice;
  /** Counts the times another panel opened the timeline, so it can take the keyboard there. */
  readonly timelineOpenings: number;
  /** Shows a choice; `fromElsewhere`: asked from a session's row, so the timeline comes into view. */
  openTimeline: (choice: TimelineChoice, fromElsewhere?: boolean) => void;
}

/** The timeline's part of the store: what it shows, picked here or from a session. */
export function createTimelineSlice(
  set: (partial: Partial<TimelineSlice>) => void,
  get: () => TimelineSlice,
): TimelineSlice {
  return {
    timelineChoice: { kind: 'range', range: 'hour' },
    timelineOpenings: 0,
    openTimeline(choice, fromElsewhere = false) {
      set({
        timelineChoice: choice,
        timelineOpenings: get().timelineOpenings + (fromElsewhere ? 1 : 0),
      });
    },
  };
}
