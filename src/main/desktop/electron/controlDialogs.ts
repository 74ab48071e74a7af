import { dialog, Notification } from 'electron';
import type { ControlHost } from '../confirmedControl';
import { holdUntilDone } from './notifications';

/** A control chosen from the tray or a notification asks with a native dialog and answers with a notification. */
export function electronControlHost(): Pick<ControlHost, 'ask' | 'tell'> {
  return {
    async ask(plan) {
      const { response } = await dialog.showMessageBox({
        type: 'warning',
        buttons: [plan.verb, 'Cancel'],
        defaultId: 1,
        cancelId: 1,
        message: plan.name,
        detail: plan.confirm,
      });
      return response === 0;
    },
    tell(title, body) {
      if (Notification.isSupported()) holdUntilDone(new Notification({ title, body, silent: true })).show();
    },
  };
}
