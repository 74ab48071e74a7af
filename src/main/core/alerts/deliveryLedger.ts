import type { Severity } from '../../../shared/model';
import type { NotificationIntent } from './engine';
import { LEVEL_RANK } from './level';

/** One notice a receiver took: what the record kept across restarts holds, newest last. */
export interface DeliveryNote {
  readonly receiver: string;
  readonly alertId: string;
  readonly kind: NotificationIntent['kind'];
  readonly severity: Severity;
  /** The firing's start, as the alert gives it. */
  readonly since: string;
  /** When it was taken, as an instant. */
  readonly at: string;
}

/** Far more than a few receivers take between two restarts; the oldest notes go first. */
export const DELIVERY_LEDGER_LIMIT = 500;

/** The notice's identity: the alert, what happened to it, and the firing it belongs to. */
export function deliveryKey(
  receiver: string,
  alertId: string,
  kind: NotificationIntent['kind'],
  since: string,
): string {
  return JSON.stringify([receiver, alertId, kind, since]);
}

export function noteOf(receiver: string, intent: NotificationIntent, at: number): DeliveryNote {
  const { id, severity, since } = intent.alert;
  return { receiver, alertId: id, kind: intent.kind, severity, since, at: new Date(at).toISOString() };
}

export function withNote(
  notes: readonly DeliveryNote[],
  note: DeliveryNote,
  limit = DELIVERY_LEDGER_LIMIT,
): DeliveryNote[] {
  return [...notes.slice(-(limit - 1)), note];
}

/**
 * Why a receiver need not be sent a notice again, or null when it must be:
 *
 * - `duplicate`: it took this very notice (same alert, kind and firing).
 *   Reminders are meant to come again, and are never duplicates.
 * - `continues`: a firing raised anew after a restart (the alert engine starts
 *   empty, so an alert still holding is raised again with a new start) while
 *   this receiver's last notice of that alert, taken before this run began,
 *   told of a firing at least as severe, recently enough that no reminder was
 *   yet due. Telling it again would be the same news twice. Within one run the
 *   engine's own state decides, and a raise is always news.
 */
export function toldBefore(
  notes: readonly DeliveryNote[],
  receiver: string,
  intent: NotificationIntent,
  timing: { readonly now: number; readonly runStartedAt: number; readonly repeatIntervalMs: number },
): 'duplicate' | 'continues' | null {
  const { id, since, severity } = intent.alert;
  if (intent.kind !== 'repeat') {
    const key = deliveryKey(receiver, id, intent.kind, since);
    if (notes.some((note) => deliveryKey(note.receiver, note.alertId, note.kind, note.since) === key))
      return 'duplicate';
  }
  if (intent.kind !== 'raised') return null;
  const last = notes.findLast((note) => note.receiver === receiver && note.alertId === id);
  if (last === undefined || last.kind === 'resolved') return null;
  const at = Date.parse(last.at);
  const recent = at < timing.runStartedAt && timing.now - at < timing.repeatIntervalMs;
  return recent && LEVEL_RANK[last.severity] >= LEVEL_RANK[severity] ? 'continues' : null;
}
