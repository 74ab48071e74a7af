import type { NotificationIntent } from '../../core/alerts/engine';
import { noticeEmoji, type NoticeContext, type OutgoingMessage } from './outgoingMessage';

/**
 * ntfy's priorities: a critical alert is `urgent` (5, may break through do-not-disturb), a warning `high` (4), a
 * recovery `default` (3).
 */
function priorityOf(intent: NotificationIntent): string {
  if (intent.kind === 'resolved') return '3';
  return intent.alert.severity === 'critical' ? '5' : '4';
}

/** The first tag is one ntfy shows as an emoji; the rest read as words under the message. */
function tagsOf(intent: NotificationIntent, context: NoticeContext): string {
  const emoji = noticeEmoji(intent);
  return [emoji, intent.alert.rule, context.host].map((tag) => tag.replace(/,/g, ' ')).join(',');
}

/**
 * A header's value as ntfy reads it: printable ASCII as it is; anything else
 * (an agent's name in another script, a dash) as an RFC 2047 encoded word,
 * which ntfy decodes (2.4.0 and later). Controls become spaces: a header holds
 * one line.
 */
export function headerText(text: string): string {
  // eslint-disable-next-line no-control-regex -- the controls are exactly what is replaced
  const line = text.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 250);
  if (/^[\x20-\x7e]*$/.test(line)) return line;
  return `=?UTF-8?B?${Buffer.from(line, 'utf8').toString('base64')}?=`;
}

/** ntfy's publishing by POST to the topic's URL: the body is the message, the rest rides in headers. */
export function ntfyMessage(intent: NotificationIntent, context: NoticeContext): OutgoingMessage {
  return {
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      title: headerText(intent.title),
      priority: priorityOf(intent),
      tags: headerText(tagsOf(intent, context)),
    },
    body: intent.body,
  };
}
