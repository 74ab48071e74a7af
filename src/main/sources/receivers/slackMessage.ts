import type { NotificationIntent } from '../../core/alerts/engine';
import { noticeEmoji, type NoticeContext, type OutgoingMessage } from './outgoingMessage';

/** Slack reads `&`, `<` and `>` as markup (links, mentions): text from outside is escaped as Slack asks. */
function escaped(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A section's text holds at most 3000 characters. */
const SECTION_LIMIT = 3000;

/**
 * An incoming webhook's message: `text` says it all, for Slack's notification
 * and for the Slack-compatible servers that read no blocks (Mattermost,
 * Rocket.Chat); the blocks lay the same out, with the rule, the firing's start
 * and the host under it.
 */
export function slackMessage(intent: NotificationIntent, context: NoticeContext): OutgoingMessage {
  const emoji = `:${noticeEmoji(intent)}:`;
  const text = `${emoji} *${escaped(intent.title)}*\n${escaped(intent.body)}`.slice(0, SECTION_LIMIT);
  const about = escaped(`${intent.alert.rule} · since ${intent.alert.since} · ${context.host}`);
  const body = {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: about }] },
    ],
  };
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
