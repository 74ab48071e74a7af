import type { NotificationIntent } from '../../core/alerts/engine';
/** What one receiver is sent for one notice: the request's own headers and body. */
export interface OutgoingMessage {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Where the notice comes from, for a receiver that hears from several monitors. */
export interface NoticeContext {
  /** This machine's host name. */
  readonly host: string;
}

/**
 * The emoji short name ntfy and Slack both know for a notice: a recovery, a
 * critical firing, or a warning. ntfy takes it as a tag, Slack between colons.
 */
export function noticeEmoji(intent: NotificationIntent): 'white_check_mark' | 'rotating_light' | 'warning' {
  if (intent.kind === 'resolved') return 'white_check_mark';
  return intent.alert.severity === 'critical' ? 'rotating_light' : 'warning';
}
