import { clipText, TEXT_LIMITS } from '../../shared/clipText';
import type { SourceHealth } from '../../shared/model';
import type { Reading } from './readings';

/** Everything the monitor remembers of one source between polls. */
export interface SourceTrack<T> {
  readonly used: boolean;
  readonly failing: boolean;
  readonly good: { readonly value: T; readonly at: number } | null;
  readonly lastError: { readonly text: string; readonly at: number } | null;
  /** The latest read's reasons (empty while failing), and how many more it left out unlisted. */
  readonly dropped: readonly string[];
  readonly droppedUnlisted: number;
  /** The last good read's reasons: an entry read again on the next poll is the same entry, not another. */
  readonly droppedBefore: ReadonlySet<string>;
  /** Entries left out since start, each counted once however many polls read it again. */
  readonly droppedTotal: number;
}

/** The reasons a snapshot lists; the counts go on past them. */
const REASONS_SHOWN = 20;

export function emptyTrack<T>(): SourceTrack<T> {
  return {
    used: false,
    failing: false,
    good: null,
    lastError: null,
    dropped: [],
    droppedUnlisted: 0,
    droppedBefore: new Set(),
    droppedTotal: 0,
  };
}

/** The source's memory after one more reading; `null` means the source was not asked. */
export function advanceTrack<T>(previous: SourceTrack<T>, reading: Reading<T> | null, now: number): SourceTrack<T> {
  if (reading === null) return previous;
  if (!reading.ok) {
    // A server's error can quote anything it was sent; what the snapshot repeats on every poll stays short.
    const text = clipText(reading.error, TEXT_LIMITS.message);
    return { ...previous, used: true, failing: true, lastError: { text, at: now }, dropped: [], droppedUnlisted: 0 };
  }
  const unlisted = reading.droppedUnlisted ?? 0;
  const fresh = reading.dropped.filter((reason) => !previous.droppedBefore.has(reason)).length + unlisted;
  return {
    used: true,
    failing: false,
    good: { value: reading.value, at: now },
    lastError: previous.lastError,
    dropped: reading.dropped.map((reason) => clipText(reason, TEXT_LIMITS.message)),
    droppedUnlisted: unlisted,
    droppedBefore: new Set(reading.dropped),
    droppedTotal: previous.droppedTotal + fresh,
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
    dropped: track.dropped.length + track.droppedUnlisted,
    droppedReasons: track.dropped.slice(0, REASONS_SHOWN),
    droppedTotal: track.droppedTotal,
  };
  if (track.failing && track.lastError) health.error = track.lastError.text;
  return health;
}

/** A source the user should hear about: failing now, whether or not older values are shown. */
export function isDown(health: SourceHealth): boolean {
  return health.state === 'stale' || health.state === 'error';
}
