import { useEffect, useState } from 'react';
import type { ConnectionReport, Settings, SettingsApi, SettingsView } from '../../../shared/settings';
import { errorText } from '../../../shared/errorText';
import { ConnectionSettings } from './settingsForm/ConnectionSettings';
import { MonitoringSettings } from './settingsForm/MonitoringSettings';

function parseOverrides(text: string): Record<string, number> {
  const entries: Array<[string, number]> = [];
  for (const line of text.split('\n')) {
    const [name, gb] = line.split('=').map((part) => part.trim());
    if (name && gb && Number.isFinite(Number(gb)) && Number(gb) > 0) entries.push([name, Number(gb)]);
  }
  return Object.fromEntries(entries);
}

const overridesText = (overrides: Record<string, number>): string =>
  Object.entries(overrides)
    .map(([name, gb]) => `${name} = ${String(gb)}`)
    .join('\n');

/** The desktop app's settings: connection, polling, alert thresholds, memory overrides, launch at login. */
export function SettingsPanel({ api }: { readonly api: SettingsApi }) {
  const [view, setView] = useState<SettingsView | null>(null);
  const [draft, setDraft] = useState<Settings | null>(null);
  const [password, setPassword] = useState('');
  const [roleText, setRoleText] = useState('');
  const [modelText, setModelText] = useState('');
  const [report, setReport] = useState<ConnectionReport | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    void api.getSettings().then(
      (loaded) => {
        setView(loaded);
        setDraft(loaded.settings);
        setRoleText(overridesText(loaded.settings.memoryOverrides.byRole));
        setModelText(overridesText(loaded.settings.memoryOverrides.byModel));
      },
      (error: unknown) => {
        setStatus(`Could not read the settings: ${String(error)}`);
      },
    );
  }, [api]);

  if (view === null || draft === null) return <p className="empty">{status ?? 'Loading settings…'}</p>;

  const overridden = (field: string): string | undefined => {
    const variable = view.overriddenBy[field];
    return variable === undefined ? undefined : `Set by ${variable} in the environment, which wins over this field.`;
  };
  const candidate = () => ({
    settings: { ...draft, memoryOverrides: { byRole: parseOverrides(roleText), byModel: parseOverrides(modelText) } },
    ...(password === '' ? {} : { password }),
  });
  const testConnection = (): void => {
    setReport(null);
    setStatus('Testing…');
    void api.testConnection(candidate()).then(
      (result) => {
        setReport(result);
        setStatus(null);
      },
      (error: unknown) => {
        setStatus(`Test failed: ${String(error)}`);
      },
    );
  };

  return (
    <form
      className="settings"
      onSubmit={(event) => {
        event.preventDefault();
        // One save at a time: each restarts the monitor, and a second click must not queue another.
        if (saving) return;
        setSaving(true);
        setStatus('Saving…');
        void api
          .saveSettings(candidate())
          .then(
            (saved) => {
              setView(saved);
              setPassword('');
              setStatus('Saved. The monitor restarted with these settings.');
            },
            (error: unknown) => {
              setStatus(`Not saved: ${errorText(error)}`);
            },
          )
          .finally(() => {
            setSaving(false);
          });
      }}
    >
      <ConnectionSettings
        view={view}
        draft={draft}
        password={password}
        report={report}
        overridden={overridden}
        setDraft={setDraft}
        setPassword={setPassword}
        onTest={testConnection}
      />
      <MonitoringSettings
        draft={draft}
        roleText={roleText}
        modelText={modelText}
        overridden={overridden}
        setDraft={setDraft}
        setRoleText={setRoleText}
        setModelText={setModelText}
      />
      <div className="form-actions">
        <button type="submit" disabled={saving}>
          Save
        </button>
        {status && (
          <span role="status" className="muted">
            {status}
          </span>
        )}
      </div>
    </form>
  );
}
