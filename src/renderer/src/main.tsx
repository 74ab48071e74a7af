import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { MonitorApi } from '../../shared/api';
import { App } from './App';
import { createHttpMonitorApi } from './api/httpMonitorApi';
import { MonitorContext } from './hooks/monitorContext';
import { createMonitorStore } from './store/monitorStore';
import { showTarget } from './focusTarget';
import './app.css';

/** In Electron the preload provides the API; in a browser the web host does, over HTTP. */
function resolveApi(): MonitorApi {
  const provided: unknown = (window as { monitor?: unknown }).monitor;
  if (typeof provided === 'object' && provided !== null && 'getSnapshot' in provided) return provided as MonitorApi;
  return createHttpMonitorApi();
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
const api = resolveApi();
const store = createMonitorStore(api);
void store.getState().start();
api.onFocus(showTarget);
createRoot(root).render(
  <StrictMode>
    <MonitorContext.Provider value={store}>
      <App />
    </MonitorContext.Provider>
  </StrictMode>,
);
