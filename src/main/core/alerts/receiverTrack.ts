import type { ReceiverHealth, ReceiverKind, Severity } from '../../../shared/model';
import { clipText, TEXT_LIMITS } from '../../../shared/clipText';
import type { TryResult } from './sendQueue';

/** What the monitor remembers of one receiver's sends, for its health and its log. */
export interface ReceiverTrack {
  readonly failingSince: number | null;
  readonly lastError: string | null;
  readonly lastOkAt: number | null;
  readonly delivered: number;
  readonly dropped: number;
}

export const FRESH_RECEIVER_TRACK: ReceiverTrack = {
  failingSince: null,
  lastError: null,
  lastOkAt: null,
  delivered: 0,
  dropped: 0,
};

/** The receiver went down (its first failure since it last worked) or came back (after `downMs`); told once each. */
export type ReceiverChange =
  { readonly kind: 'down'; readonly error: string } | { readonly kind: 'up'; readonly downMs: number } | null;

/** The track after one try, and whether that try changed the receiver's state. */
export function trackTry(
  track: ReceiverTrack,
  result: TryResult,
  now: number,
): { readonly track: ReceiverTrack; readonly change: ReceiverChange } {
  if (result.ok) {
    const change = track.failingSince === null ? null : { kind: 'up' as const, downMs: now - track.failingSince };
    return { track: { ...track, failingSince: null, lastOkAt: now, delivered: track.delivered + 1 }, change };
  }
  // What a server answers can be long: what the snapshot repeats on every poll stays short.
  const error = clipText(result.error, TEXT_LIMITS.message);
  const change = track.failingSince === null ? { kind: 'down' as const, error } : null;
  return { track: { ...track, failingSince: track.failingSince ?? now, lastError: error }, change };
}

export function trackDropped(track: ReceiverTrack, count = 1): ReceiverTrack {
  return { ...track, dropped: track.dropped + count };
}

const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());

export function receiverHealthOf(
  receiver: { readonly name: string; readonly kind: ReceiverKind; readonly minLevel: Severity },
  track: ReceiverTrack,
  queued: number,
): ReceiverHealth {
  return {
    name: receiver.name,
    kind: receiver.kind,
    minLevel: receiver.minLevel,
    state: track.failingSince === null ? 'ok' : 'failing',
    failingSince: iso(track.failingSince),
    lastError: track.lastError,
    lastOkAt: iso(track.lastOkAt),
    queued,
    delivered: track.delivered,
    dropped: track.dropped,
  };
}
