import { describe, expect, it } from 'vitest';
import { chromiumMissing } from '../support/browser';
import { useDesktopApp } from '../support/desktopHarness';

const missing = chromiumMissing();

describe.skipIf(missing !== null)("an alert's notification, in the demo", () => {
  // One agent is enough to warn, at once: the demo's first poll raises the alert and its notification.
  const app = useDesktopApp({
    args: ['--demo'],
    env: { MONITOR_ALERTS: JSON.stringify({ pendingPolls: 1, agentCount: { warning: 1, critical: 50 } }) },
  });

  it('opens the dashboard on its culprit, with the keyboard on its control, when clicked', async () => {
    const raised = await app().until(
      (state) => state.notifications.find((notification) => /agents? (is|are) running/.test(notification.body)),
      30_000,
    );
    expect(raised.title).toMatch(/^Warning/);
    await app().closeWindow();
    await app().clickNotification({ title: raised.title });
    await app().until((state) => state.windows.at(-1)?.visible);
    const page = await app().page();
    // The culprit's row is marked, and its Stop button has the keyboard, so Enter acts on it after a question.
    const focused = page.locator('.focused');
    await focused.waitFor({ timeout: 5_000 });
    expect(await page.locator(':focus').getAttribute('aria-label')).toMatch(/^Stop /);
  }, 60_000);
});
