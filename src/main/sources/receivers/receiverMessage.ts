import type { ReceiverKind } from '../../../shared/model';
import type { NotificationIntent } from '../../core/alerts/engine';
import { ntfyMessage } from './ntfyMessage';
import type { NoticeContext, OutgoingMessage } from './outgoingMessage';
import { slackMessage } from './slackMessage';
import { webhookMessage } from './webhookMessage';

const FORMATS: Readonly<Record<ReceiverKind, (intent: NotificationIntent, context: NoticeContext) => OutgoingMessage>> =
  {
    webhook: webhookMessage,
    ntfy: ntfyMessage,
    slack: slackMessage,
  };

/** The notice in the receiver's own format. */
export function messageFor(kind: ReceiverKind, intent: NotificationIntent, context: NoticeContext): OutgoingMessage {
  return FORMATS[kind](intent, context);
}
