import type { NotificationIntent } from './alerts/engine';
import type { FocusTarget } from './trayModel';

/** A native notification, as plain data. */
export interface NotificationPlan {
  readonly title: string;
  readonly body: string;
  readonly urgency: 'low' | 'normal' | 'critical';
  /** What a click opens the dashboard on. */
  readonly focus: FocusTarget | null;
}

/** An alert intent from the engine as the notification a host shows; the engine already held back spikes, repeats and snoozed ones. */
export function planNotification(intent: NotificationIntent): NotificationPlan {
  const { alert } = intent;
  const culprit = alert.culprit;
  return {
    title: intent.kind === 'repeat' ? `${intent.title} (still)` : intent.title,
    body: intent.body,
    urgency: intent.kind === 'resolved' ? 'low' : alert.severity === 'critical' ? 'critical' : 'normal',
    focus: culprit === null ? null : { kind: culprit.kind, id: culprit.id },
  };
}
