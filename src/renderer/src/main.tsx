import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { MonitorApi } from '../../shared/api';
import type { SettingsApi } from '../../shared/settings';
import { App } from './App';
import { createHttpMonitorApi } from './api/httpMonitorApi';
import { takeControlKeyFromAddress } from './api/storedControlKey';
import { apiWithControlsShown } from './api/shownText';
import { MonitorContext } from './hooks/monitorContext';
import { createMonitorStore } from './store/monitorStore';
import { showTarget } from './focusTarget';
// Order matters: a later sheet wins over an earlier one at equal specificity, so the
// theme comes first and each section's sheet follows the ones it builds on.
import './styles/theme.css';
import './styles/layout.css';
import './styles/lists.css';
import './styles/tables.css';
import './styles/health.css';
import './styles/forms.css';
import './styles/sections.css';
import './styles/timeline.css';
import './styles/settings.css';
import './styles/actions.css';

/** In Electron the preload provides the API; in a browser the web host does, over HTTP. */
function resolveApi(): MonitorApi {
  const provided: unknown = (window as { monitor?: unknown }).monitor;
  if (typeof provided === 'object' && provided !== null && 'getSnapshot' in provided) return provided as MonitorApi;
  takeControlKeyFromAddress(window.location, window.history, window.localStorage);
  return createHttpMonitorApi();
}

/** Only the desktop app can change its own settings. */
function resolveSettingsApi(): SettingsApi | null {
  const provided: unknown = (window as { monitorSettings?: unknown }).monitorSettings;
  return typeof provided === 'object' && provided !== null && 'getSettings' in provided
    ? (provided as SettingsApi)
    : null;
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
const api = apiWithControlsShown(resolveApi());
const store = createMonitorStore(api);
void store.getState().start();
api.onFocus(showTarget);
createRoot(root).render(
  <StrictMode>
    <MonitorContext.Provider value={store}>
      <App settingsApi={resolveSettingsApi()} />
    </MonitorContext.Provider>
  </StrictMode>,
);
