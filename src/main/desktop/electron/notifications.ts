import { Notification } from 'electron';
import type { NotificationIntent } from '../../core/alerts/engine';
import { planNotification } from '../../core/views/notificationPlan';
import type { NotificationHandlers } from '../desktopHost';

/**
 * Notifications shown and not yet closed or clicked. Electron keeps a
 * Notification only while JavaScript holds it: one held by nothing is
 * collected with its click and action handlers, and on macOS it leaves the
 * Notification Center (electron#12690).
 */
const shown = new Set<Notification>();

/** Holds a notification until it is closed or clicked. */
export function holdUntilDone(notification: Notification): Notification {
  shown.add(notification);
  const release = (): void => {
    shown.delete(notification);
  };
  notification.on('close', release);
  notification.on('click', release);
  notification.on('failed', release);
  return notification;
}

/**
 * Shows the engine's intents as native notifications. Where notifications
 * carry buttons (macOS), the suggested action is one; everywhere a click opens
 * the dashboard on the culprit with its control under the keyboard.
 */
export function showNotification(intent: NotificationIntent, handlers: NotificationHandlers, iconPath: string): void {
  if (!Notification.isSupported()) return;
  const plan = planNotification(intent);
  const action = process.platform === 'darwin' ? plan.action : null;
  const notification = holdUntilDone(
    new Notification({
      title: plan.title,
      body: plan.body,
      urgency: plan.urgency,
      silent: plan.urgency === 'low',
      // Linux shows no icon unless given one; macOS and Windows use the app's own.
      ...(process.platform === 'linux' ? { icon: iconPath } : {}),
      actions: action === null ? [] : [{ type: 'button', text: action.label }],
    }),
  );
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
