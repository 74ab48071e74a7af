import type { SourceHealth } from '../../shared/model';
import type { Reading } from './readings';

/** Everything the monitor remembers of one source between polls. */
export interface SourceTrack<T> {
  readonly used: boolean;
  readonly failing: boolean;
  readonly good: { readonly value: T; readonly at: number } | null;
  readonly lastError: { readonly text: string; readonly at: number } | null;
  readonly dropped: readonly string[];
  /** Distinct reasons seen since start, so a bad row read on every poll counts once. */
  readonly droppedSeen: ReadonlySet<string>;
}

/** Bounds the memory a stream of ever-different bad entries could take. */
const MAX_DROPPED_REMEMBERED = 1000;

export function emptyTrack<T>(): SourceTrack<T> {
  return { used: false, failing: false, good: null, lastError: null, dropped: [], droppedSeen: new Set() };
}

/** The source's memory after one more reading; `null` means the source was not asked. */
export function advanceTrack<T>(previous: SourceTrack<T>, reading: Reading<T> | null, now: number): SourceTrack<T> {
  if (reading === null) return previous;
  if (!reading.ok) {
    return { ...previous, used: true, failing: true, lastError: { text: reading.error, at: now }, dropped: [] };
  }
  let droppedSeen = previous.droppedSeen;
  const fresh = reading.dropped.filter((reason) => !droppedSeen.has(reason));
  if (fresh.length > 0 && droppedSeen.size < MAX_DROPPED_REMEMBERED) {
    droppedSeen = new Set([...droppedSeen, ...fresh].slice(0, MAX_DROPPED_REMEMBERED));
  }
  return {
    used: true,
    failing: false,
    good: { value: reading.value, at: now },
    lastError: previous.lastError,
    dropped: reading.dropped,
    droppedSeen,
  };
}

/** The value to show: the latest good one, and whether it is older than this poll. */
export interface Shown<T> {
  readonly value: T;
  readonly stale: boolean;
  readonly at: number;
}

export function shownValue<T>(track: SourceTrack<T>): Shown<T> | null {
  return track.good && { value: track.good.value, stale: track.failing, at: track.good.at };
}

const iso = (at: number): string => new Date(at).toISOString();

export function healthOf(track: SourceTrack<unknown>, now: number): SourceHealth {
  const state = !track.used ? 'no-data' : !track.failing ? 'ok' : track.good ? 'stale' : 'error';
  const health: SourceHealth = {
    state,
    lastOkAt: track.good && iso(track.good.at),
    lastError: track.lastError?.text ?? null,
    lastErrorAt: track.lastError && iso(track.lastError.at),
    ageSeconds: state === 'stale' && track.good ? Math.max(0, Math.floor((now - track.good.at) / 1000)) : null,
    dropped: track.dropped.length,
    droppedReasons: [...track.dropped],
    droppedTotal: track.droppedSeen.size,
  };
  if (track.failing && track.lastError) health.error = track.lastError.text;
  return health;
}

/** A source the user should hear about: failing now, whether or not older values are shown. */
export function isDown(health: SourceHealth): boolean {
  return health.state === 'stale' || health.state === 'error';
}
