import type { MonitorEvent, ResourceSample } from '../../../../shared/monitorEvent';
import { GAP_FACTOR, usualStepMs } from './chart';
import type { WatchKnowledge } from './timelineSpans';

/** A stretch of time, epoch milliseconds. */
export interface TimeStretch {
  readonly from: number;
  readonly to: number;
}

/**
 * The stretches the monitor was running, from its samples: a pause of more
 * than GAP_FACTOR usual steps is a time it was not (as the resource chart
 * breaks its lines there).
 */
export function watchedStretches(series: readonly ResourceSample[]): TimeStretch[] {
  const times = series.map((sample) => Date.parse(sample.at));
  const step = usualStepMs(times.map((at) => ({ at })));
  const stretches: TimeStretch[] = [];
  let from: number | null = null;
  let last: number | null = null;
  for (const at of times) {
    if (from === null || last === null) {
      from = at;
    } else if (step !== null && at - last > GAP_FACTOR * step) {
      stretches.push({ from, to: last });
      from = at;
    }
    last = at;
  }
  if (from !== null && last !== null) stretches.push({ from, to: last });
  return stretches;
}

/** The times between watched stretches that fall in [from, to]: the monitor was not running then. */
export function unwatchedIn(stretches: readonly TimeStretch[], from: number, to: number): TimeStretch[] {
  return stretches.slice(1).flatMap((stretch, index) => {
    const before = stretches[index];
    if (before === undefined) return [];
    const gap = { from: Math.max(from, before.to), to: Math.min(to, stretch.from) };
    return gap.from < gap.to ? [gap] : [];
  });
}

/**
 * The time from which the event log holds every event: where it is full (it
 * keeps the newest `limit`), from its oldest entry; else from the earliest the
 * monitor is known to have watched (its oldest entry or sample). Null where it
 * holds nothing and nothing was sampled.
 */
export function logKnownFrom(
  events: readonly MonitorEvent[],
  series: readonly ResourceSample[],
  limit: number,
): number | null {
  const oldestEvent = events[0] === undefined ? null : Date.parse(events[0].at);
  if (events.length >= limit) return oldestEvent;
  const oldestSample = series[0] === undefined ? null : Date.parse(series[0].at);
  if (oldestEvent === null) return oldestSample;
  return oldestSample === null ? oldestEvent : Math.min(oldestEvent, oldestSample);
}

/**
 * What the spans need of the monitor's watching: when it began watching
 * before a time (never before the log's start), and when it next stopped.
 */
export function watchKnowledge(stretches: readonly TimeStretch[], knownFrom: number | null): WatchKnowledge {
  const floor = knownFrom ?? -Infinity;
  return {
    onSince(at) {
      const began = stretches.findLast((stretch) => stretch.from <= at)?.from ?? -Infinity;
      return Math.max(began, floor);
    },
    gapAfter(at) {
      const index = stretches.findIndex((stretch) => stretch.to >= at);
      // After the newest sample the monitor may well be watching on: only a stretch followed by another ends in a gap.
      return index >= 0 && index < stretches.length - 1 ? (stretches[index]?.to ?? null) : null;
    },
  };
}
