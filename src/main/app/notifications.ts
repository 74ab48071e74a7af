import { Notification } from 'electron';
import type { NotificationIntent } from '../core/alerts/engine';
import { planNotification } from '../core/notificationPlan';
import type { FocusTarget } from '../core/trayModel';

/** Shows the engine's intents as native notifications; a click opens the dashboard on the culprit. */
export function showNotification(intent: NotificationIntent, onFocus: (target: FocusTarget | null) => void): void {
  if (!Notification.isSupported()) return;
  const plan = planNotification(intent);
  const notification = new Notification({ title: plan.title, body: plan.body, urgency: plan.urgency, silent: plan.urgency === 'low' });
  notification.on('click', () => {
    onFocus(plan.focus);
  });
  notification.show();
}
