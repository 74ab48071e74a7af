import type { CommandRequest } from '../../../shared/commands';
import { controlLabel } from '../../../shared/controlPlan';
import type { Culprit } from '../../../shared/model';
import type { NotificationIntent } from '../alerts/engine';
import type { FocusTarget } from './trayModel';

/** A native notification, as plain data. */
export interface NotificationPlan {
  readonly title: string;
  readonly body: string;
  readonly urgency: 'low' | 'normal' | 'critical';
  /** What a click opens the dashboard on. */
  readonly focus: FocusTarget | null;
  /** The alert's suggested action as a button, where the platform has them; the host confirms before sending. */
  readonly action: { readonly label: string; readonly request: CommandRequest } | null;
}

function requestFor(culprit: Culprit): CommandRequest | null {
  if (culprit.kind === 'agent') return { type: 'stop_agent', role: culprit.id };
  if (culprit.kind === 'session') return { type: 'end_session', sessionId: culprit.id };
  return null;
}

/**
 * An alert intent from the engine as the notification a host shows; the engine already held back spikes, repeats and
 * snoozed ones.
 */
export function planNotification(intent: NotificationIntent): NotificationPlan {
  const { alert } = intent;
  const culprit = alert.culprit;
  // A recovery needs no action; an alert with none suggested gets no button.
  const request =
    culprit !== null && intent.kind !== 'resolved' && alert.suggestedAction !== null ? requestFor(culprit) : null;
  return {
    title: intent.kind === 'repeat' ? `${intent.title} (still)` : intent.title,
    body: intent.body,
    urgency: intent.kind === 'resolved' ? 'low' : alert.severity === 'critical' ? 'critical' : 'normal',
    focus:
      culprit === null ? null : { kind: culprit.kind, id: culprit.id, ...(request === null ? {} : { control: true }) },
    action: request === null ? null : { label: controlLabel(request), request },
  };
}
