import { ActiveSessions } from './components/ActiveSessions';
import { AlertsPanel } from './components/AlertsPanel';
import { EventStream } from './components/EventStream';
import { FirstRun } from './components/FirstRun';
import { ResourceChart } from './components/ResourceChart';
import { SessionHistory } from './components/SessionHistory';
import { SourceStatus } from './components/SourceStatus';
import { SpawnedAgents } from './components/SpawnedAgents';
import { Statistics } from './components/Statistics';
import { SummaryCards } from './components/SummaryCards';
import { useMonitor } from './hooks/monitorContext';
import { isFirstRun } from './store/selectors';

export function App() {
  const snapshot = useMonitor((state) => state.snapshot);
  const lost = useMonitor((state) => state.connection.status === 'lost');
  const firstRun = isFirstRun(snapshot, lost);
  return (
    <div className="app">
      <header className="app-header">
        <h1>Delegator</h1>
        <SourceStatus />
      </header>
      <main>
        {firstRun ? (
          <FirstRun />
        ) : snapshot === null ? (
          <p className="empty" role="status">
            Connecting to the monitor…
          </p>
        ) : (
          <>
            <SummaryCards />
            <AlertsPanel />
            <ActiveSessions />
            <SpawnedAgents />
            <ResourceChart />
            <div className="columns">
              <Statistics />
              <EventStream />
            </div>
            <SessionHistory />
          </>
        )}
      </main>
    </div>
  );
}
