import type { Severity } from '../../../shared/model';
import type { NotificationIntent } from './engine';
import { LEVEL_RANK } from './level';

/** What decides which notices a receiver is sent. */
export interface ReceiverRoute {
  /** The least severity it is told of; `critical` leaves warnings out. */
  readonly minLevel: Severity;
}

/**
 * One receiver's firings in progress: each alert it was sent a firing notice
 * of, by alert id, with that firing's start (`since`). An alert fires anew
 * with a new start, so a recovery is matched to the very firing it ends.
 */
export type FiringsSent = ReadonlyMap<string, string>;

export const NO_FIRINGS_SENT: FiringsSent = new Map();

/**
 * Whether one receiver is sent one notice. A firing, escalation or reminder
 * goes where its severity reaches the receiver's minimum; a recovery goes only
 * where that alert's firing went, so a receiver never hears of the end of
 * something it was not told had begun.
 */
export function routeIntent(
  route: ReceiverRoute,
  sent: FiringsSent,
  intent: NotificationIntent,
): { readonly send: boolean; readonly sent: FiringsSent } {
  const { id, since, severity } = intent.alert;
  if (intent.kind === 'resolved') {
    if (sent.get(id) !== since) return { send: false, sent };
    const rest = new Map(sent);
    rest.delete(id);
    return { send: true, sent: rest };
  }
  if (LEVEL_RANK[severity] < LEVEL_RANK[route.minLevel]) return { send: false, sent };
  return { send: true, sent: sent.get(id) === since ? sent : new Map(sent).set(id, since) };
}
