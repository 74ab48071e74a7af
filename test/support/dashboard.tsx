import { render } from '@testing-library/react';
import { App } from '../../src/renderer/src/App';
import { MonitorContext } from '../../src/renderer/src/hooks/monitorContext';
import type { MonitorStore } from '../../src/renderer/src/store/monitorStore';
import type { Snapshot } from '../../src/shared/model';
import type { FakeMonitorApi } from './fakeMonitorApi';

/** The whole dashboard over a store that has pulled `snapshot` from the fake API, as the page starts. */
export async function showDashboard(
  api: FakeMonitorApi,
  store: MonitorStore,
  snapshot: Snapshot | null,
): Promise<void> {
  api.snapshot = snapshot;
  await store.getState().start();
  render(
    <MonitorContext.Provider value={store}>
      <App />
    </MonitorContext.Provider>,
  );
}
