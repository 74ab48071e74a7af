import { ActiveSessions } from './components/ActiveSessions';
import { AdmissionForecast } from './components/AdmissionForecast';
import { AlertsPanel } from './components/AlertsPanel';
import { EchoWork } from './components/EchoWork';
import { EventStream } from './components/EventStream';
import { ExportPanel } from './components/ExportPanel';
import { FirstRun } from './components/FirstRun';
import { ResourceChart } from './components/ResourceChart';
import { SessionHistory } from './components/SessionHistory';
import { SessionTimeline } from './components/SessionTimeline';
import { SourceStatus } from './components/SourceStatus';
import { SpawnedAgents } from './components/SpawnedAgents';
import { Statistics } from './components/Statistics';
import { SummaryCards } from './components/SummaryCards';
import { lazy, Suspense, useEffect, useState } from 'react';
import type { SettingsApi } from '../../shared/settings';
import { useMonitor } from './hooks/monitorContext';
import { isFirstRun } from './store/selectors/firstRun';

/** The settings screen loads when first opened: most users never open it. */
const SettingsPanel = lazy(() =>
  import('./components/SettingsPanel').then((module) => ({ default: module.SettingsPanel })),
);

export function App({ settingsApi = null }: { readonly settingsApi?: SettingsApi | null }) {
  // Only what decides the layout: a new snapshot must not redraw every section from the top.
  const hasSnapshot = useMonitor((state) => state.snapshot !== null);
  const firstRun = useMonitor((state) => isFirstRun(state.snapshot, state.connection.status === 'lost'));
  const [showSettings, setShowSettings] = useState(false);
  useEffect(() => {
    // The tray's "Settings…" and the first-run screen open this section.
    const open = (): void => {
      setShowSettings(true);
    };
    window.addEventListener('monitor:open-settings', open);
    return () => {
      window.removeEventListener('monitor:open-settings', open);
    };
  }, []);
  return (
    <div className="app">
      <header className="app-header">
        <h1>Delegator</h1>
        <SourceStatus />
        {settingsApi && (
          <button
            type="button"
            className="header-button"
            aria-expanded={showSettings}
            aria-controls="settings"
            onClick={() => {
              setShowSettings(!showSettings);
            }}
          >
            Settings
          </button>
        )}
      </header>
      <main>
        {settingsApi && showSettings && (
          <section className="panel" id="settings" aria-labelledby="settings-heading">
            <header className="panel-header">
              <h2 id="settings-heading">Settings</h2>
            </header>
            <Suspense fallback={<p className="empty">Loading…</p>}>
              <SettingsPanel api={settingsApi} />
            </Suspense>
          </section>
        )}
        {firstRun ? (
          <FirstRun canOpenSettings={settingsApi !== null} />
        ) : !hasSnapshot ? (
          <p className="empty" role="status">
            Connecting to the monitor…
          </p>
        ) : (
          <>
            <SummaryCards />
            <AlertsPanel />
            <ActiveSessions />
            <SpawnedAgents />
            <EchoWork />
            <AdmissionForecast />
            <ResourceChart />
            <div className="columns">
              <Statistics />
              <EventStream />
            </div>
            <SessionHistory />
            <SessionTimeline />
            <ExportPanel />
          </>
        )}
      </main>
    </div>
  );
}
