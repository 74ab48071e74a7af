import type { NotificationIntent } from '../../core/alerts/engine';
import type { NoticeContext, OutgoingMessage } from './outgoingMessage';

/**
 * The generic webhook's JSON: the notice as the desktop shows it (title,
 * body) and the alert it is about, field by field, for a program to act on.
 * `id` and `since` together name one firing: its raise, reminders and
 * recovery share them.
 */
export function webhookMessage(intent: NotificationIntent, context: NoticeContext): OutgoingMessage {
  const { alert } = intent;
  const body = {
    kind: intent.kind,
    id: alert.id,
    rule: alert.rule,
    severity: alert.severity,
    title: intent.title,
    body: intent.body,
    message: alert.message,
    since: alert.since,
    culprit: alert.culprit,
    suggestedAction: alert.suggestedAction,
    host: context.host,
  };
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
