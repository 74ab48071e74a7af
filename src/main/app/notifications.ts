import { Notification } from 'electron';
import type { CommandRequest } from '../../shared/commands';
import type { NotificationIntent } from '../core/alerts/engine';
import { planNotification } from '../core/notificationPlan';
import type { FocusTarget } from '../core/trayModel';

export interface NotificationHandlers {
  readonly onFocus: (target: FocusTarget | null) => void;
  /** The suggested action's button was pressed; the host confirms before sending. */
  readonly onControl: (request: CommandRequest) => void;
}

/**
 * Shows the engine's intents as native notifications. Where notifications
 * carry buttons (macOS), the suggested action is one; everywhere a click opens
 * the dashboard on the culprit with its control under the keyboard.
 */
export function showNotification(intent: NotificationIntent, handlers: NotificationHandlers): void {
  if (!Notification.isSupported()) return;
  const plan = planNotification(intent);
  const action = process.platform === 'darwin' ? plan.action : null;
  const notification = new Notification({
    title: plan.title,
    body: plan.body,
    urgency: plan.urgency,
    silent: plan.urgency === 'low',
    actions: action === null ? [] : [{ type: 'button', text: action.label }],
  });
  notification.on('click', () => {
    handlers.onFocus(plan.focus);
  });
  if (action !== null) {
    notification.on('action', () => {
      handlers.onControl(action.request);
    });
  }
  notification.show();
}
