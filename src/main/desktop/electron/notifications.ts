import { Notification } from 'electron';
import type { NotificationIntent } from '../../core/alerts/engine';
import { planNotification } from '../../core/views/notificationPlan';
import type { NotificationHandlers } from '../desktopHost';

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
