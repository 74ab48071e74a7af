/**
 * Spans of time something was on (an agent running, a model loaded), built
 * from the changes the event log holds and what the latest snapshot says runs
 * now. Where a start or an end was not seen, the span says so rather than
 * guessing a time.
 */

/**
 * How a span ends: `stopped`, `crashed` and `unloaded` were seen; `on`: still
 * on at the range's end; `unseen`: it ended while the monitor was not
 * watching (the latest snapshot no longer has it, and no stop was logged).
 */
export type SpanEnd = 'stopped' | 'crashed' | 'unloaded' | 'on' | 'unseen';

export interface TimelineSpan {
  /** Drawn from and to, inside the range. */
  readonly from: number;
  readonly to: number;
  /** When it began, or null where nobody saw it begin: it was on when the monitor began watching, at `from`. */
  readonly startedAt: number | null;
  /** When it ended; null while `end` is `on`, or where `unseen` leaves it unknown. */
  readonly endedAt: number | null;
  readonly end: SpanEnd;
}

/** One change of one lane: an agent spawned or stopped, a model loaded or unloaded. */
export interface LaneChange {
  readonly at: number;
  readonly key: string;
  /** `start`; `seen`: it was on then, begun or not (an agent reporting an error); else how it ended. */
  readonly kind: 'start' | 'seen' | 'stopped' | 'crashed' | 'unloaded';
}

/** What the monitor knows of its own watching, for starts and ends nobody saw. */
export interface WatchKnowledge {
  /** The earliest time something on at `at` is known to have been on: when the monitor began watching before it. */
  readonly onSince: (at: number) => number;
  /** When the monitor stopped watching after `at`, or null where it watched on. */
  readonly gapAfter: (at: number) => number | null;
}

/** What the latest snapshot says is on now: each key with when it began where that is known. */
export interface OnNow {
  readonly at: number;
  readonly on: ReadonlyMap<string, number | null>;
}

/** Whether the monitor stopped watching somewhere between two times. */
function watchedBreakBetween(watch: WatchKnowledge, from: number, to: number): boolean {
  const gap = watch.gapAfter(from);
  return gap !== null && gap <= to;
}

interface RawSpan {
  start: number;
  startSeen: boolean;
  end: number | null;
  ending: SpanEnd;
}

/** The spans of one lane, oldest first, from its changes in time order. */
function spansOf(changes: readonly LaneChange[], watch: WatchKnowledge): RawSpan[] {
  const spans: RawSpan[] = [];
  let open: RawSpan | null = null;
  for (const change of changes) {
    if (change.kind === 'start' || change.kind === 'seen') {
      if (open !== null) {
        // Started again with no stop between: the stop fell in a time the monitor was not watching, if there was one.
        const gap = change.kind === 'start' ? watch.gapAfter(open.start) : null;
        if (gap === null || gap > change.at) continue;
        open.end = gap;
        open.ending = 'unseen';
      }
      const seen = change.kind === 'start';
      open = { start: seen ? change.at : watch.onSince(change.at), startSeen: seen, end: null, ending: 'on' };
      spans.push(open);
      continue;
    }
    if (open === null) {
      const last = spans.at(-1);
      // A second word of the same stop (the delegator's and the monitor's): the monitor watched on between them.
      if (last?.end != null && !watchedBreakBetween(watch, last.end, change.at)) continue;
      // A stop with no start logged: it was on from whenever the monitor began watching before it.
      const start = Math.max(watch.onSince(change.at), last?.end ?? -Infinity);
      spans.push({ start, startSeen: false, end: change.at, ending: change.kind });
    } else {
      open.end = change.at;
      open.ending = change.kind;
      open = null;
    }
  }
  return spans;
}

/** The last span left open, settled by what is on now: still on, or ended where the monitor was not watching. */
function settleWithNow(spans: RawSpan[], key: string, now: OnNow, watch: WatchKnowledge): void {
  const last = spans.at(-1);
  const since = now.on.get(key);
  if (last !== undefined && last.ending === 'on') {
    // Still on, unless its own record says it began again after a time the monitor was not watching.
    const restarted = since != null && since > last.start && watchedBreakBetween(watch, last.start, since);
    if (since !== undefined && !restarted) return;
    last.end = watch.gapAfter(last.start) ?? now.at;
    last.ending = 'unseen';
    if (since === undefined) return;
  }
  if (since === undefined) return;
  // On now with no start logged: from when its own record says, else from when the monitor began watching.
  const floor = last?.end ?? -Infinity;
  const start = since === null || since < floor ? Math.max(floor, watch.onSince(now.at)) : since;
  spans.push({ start, startSeen: since !== null && since >= floor, end: null, ending: 'on' });
}

function clipped(span: RawSpan, from: number, to: number): TimelineSpan | null {
  const end = span.end ?? to;
  if (span.start > to || end < from) return null;
  return {
    from: Math.max(from, span.start),
    to: Math.min(to, Math.max(end, span.start)),
    startedAt: span.startSeen ? span.start : null,
    endedAt: span.ending === 'on' || span.ending === 'unseen' ? null : span.end,
    end: span.ending,
  };
}

/**
 * Each lane's spans inside [from, to], by key: from every change (those
 * before the range too, so a span begun before it shows from its start), then
 * what is on now. Keys with nothing inside the range are left out.
 */
export function laneSpans(
  changes: readonly LaneChange[],
  range: { readonly from: number; readonly to: number },
  watch: WatchKnowledge,
  now: OnNow | null,
): Map<string, TimelineSpan[]> {
  const byKey = new Map<string, LaneChange[]>();
  for (const change of [...changes].sort((a, b) => a.at - b.at)) {
    const list = byKey.get(change.key) ?? [];
    list.push(change);
    byKey.set(change.key, list);
  }
  for (const key of now?.on.keys() ?? []) if (!byKey.has(key)) byKey.set(key, []);
  const lanes = new Map<string, TimelineSpan[]>();
  for (const [key, list] of byKey) {
    const spans = spansOf(list, watch);
    if (now !== null) settleWithNow(spans, key, now, watch);
    const shown = spans.flatMap((span) => clipped(span, range.from, range.to) ?? []);
    if (shown.length > 0) lanes.set(key, shown);
  }
  return lanes;
}
