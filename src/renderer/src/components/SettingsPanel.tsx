import { useEffect, useState, type ReactNode } from 'react';
import type { ConnectionReport, Settings, SettingsApi, SettingsView } from '../../../shared/settings';
import { errorText } from '../../../shared/errorText';

type Connection = Settings['connection'];

function parseOverrides(text: string): Record<string, number> {
  const entries: Array<[string, number]> = [];
  for (const line of text.split('\n')) {
    const [name, gb] = line.split('=').map((part) => part.trim());
    if (name && gb && Number.isFinite(Number(gb)) && Number(gb) > 0) entries.push([name, Number(gb)]);
  }
  return Object.fromEntries(entries);
}

/** An emptied field means "the default", not zero, which would fire at once. */
const thresholdOf = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

const overridesText = (overrides: Record<string, number>): string =>
  Object.entries(overrides)
    .map(([name, gb]) => `${name} = ${String(gb)}`)
    .join('\n');

function Field({ label, note, children }: { readonly label: string; readonly note?: string; readonly children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
      {note && <small className="muted">{note}</small>}
    </label>
  );
}

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
    void api.getSettings().then((loaded) => {
      setView(loaded);
      setDraft(loaded.settings);
      setRoleText(overridesText(loaded.settings.memoryOverrides.byRole));
      setModelText(overridesText(loaded.settings.memoryOverrides.byModel));
    }, (error: unknown) => { setStatus(`Could not read the settings: ${String(error)}`); });
  }, [api]);

  if (view === null || draft === null) return <p className="empty">{status ?? 'Loading settings…'}</p>;

  const overridden = (field: string): string | undefined => {
    const variable = view.overriddenBy[field];
    return variable === undefined ? undefined : `Set by ${variable} in the environment, which wins over this field.`;
  };
  const connection = (field: keyof Connection, value: string | number): void => {
    setDraft({ ...draft, connection: { ...draft.connection, [field]: value } });
  };
  const ollama = (field: keyof Settings['ollama'], value: string | number): void => {
    setDraft({ ...draft, ollama: { ...draft.ollama, [field]: value } });
  };
  const candidate = () => ({
    settings: { ...draft, memoryOverrides: { byRole: parseOverrides(roleText), byModel: parseOverrides(modelText) } },
    ...(password === '' ? {} : { password }),
  });
  const thresholds = draft.alerts;

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
            (error: unknown) => { setStatus(`Not saved: ${errorText(error)}`); },
          )
          .finally(() => {
            setSaving(false);
          });
      }}
    >
      <fieldset>
        <legend>Connection</legend>
        <Field label="PostgreSQL URL (instead of the fields below)" note={overridden('connection.databaseUrl')}>
          <input value={draft.connection.databaseUrl} disabled={overridden('connection.databaseUrl') !== undefined} onChange={(event) => { connection('databaseUrl', event.target.value); }} placeholder="postgres://user@host:5433/echo_org" />
        </Field>
        <div className="field-row">
          <Field label="Host" note={overridden('connection.host')}>
            <input value={draft.connection.host} disabled={overridden('connection.host') !== undefined} onChange={(event) => { connection('host', event.target.value); }} />
          </Field>
          <Field label="Port" note={overridden('connection.port')}>
            <input type="number" value={draft.connection.port} disabled={overridden('connection.port') !== undefined} onChange={(event) => { connection('port', Number(event.target.value)); }} />
          </Field>
          <Field label="Database" note={overridden('connection.database')}>
            <input value={draft.connection.database} disabled={overridden('connection.database') !== undefined} onChange={(event) => { connection('database', event.target.value); }} />
          </Field>
          <Field label="User" note={overridden('connection.user')}>
            <input value={draft.connection.user} disabled={overridden('connection.user') !== undefined} onChange={(event) => { connection('user', event.target.value); }} />
          </Field>
          <Field label="Password" note={overridden('connection.password') ?? (view.passwordStored ? 'A password is stored, encrypted. Type to replace it.' : view.encryptionAvailable ? undefined : 'This machine cannot store a password encrypted; set DB_PASSWORD instead.')}>
            <input type="password" autoComplete="off" value={password} disabled={overridden('connection.password') !== undefined} onChange={(event) => { setPassword(event.target.value); }} />
          </Field>
        </div>
        <Field label="Redis URL" note={overridden('connection.redisUrl')}>
          <input value={draft.connection.redisUrl} disabled={overridden('connection.redisUrl') !== undefined} onChange={(event) => { connection('redisUrl', event.target.value); }} />
        </Field>
        <Field label="Ollama endpoint (empty: not asked)" note={overridden('connection.ollamaEndpoint')}>
          <input value={draft.connection.ollamaEndpoint} disabled={overridden('connection.ollamaEndpoint') !== undefined} onChange={(event) => { connection('ollamaEndpoint', event.target.value); }} />
        </Field>
        <div className="field-row">
          <Field label="Ollama's OLLAMA_MAX_LOADED_MODELS (0: its default)" note={overridden('ollama.maxLoadedModels')}>
            <input type="number" min={0} max={1000} value={draft.ollama.maxLoadedModels} disabled={overridden('ollama.maxLoadedModels') !== undefined} onChange={(event) => { ollama('maxLoadedModels', Number(event.target.value)); }} />
          </Field>
          <Field label="Ollama's OLLAMA_KEEP_ALIVE (empty: 5m)" note={overridden('ollama.keepAlive')}>
            <input value={draft.ollama.keepAlive} placeholder="5m" disabled={overridden('ollama.keepAlive') !== undefined} onChange={(event) => { ollama('keepAlive', event.target.value); }} />
          </Field>
        </div>
        <button
          type="button"
          onClick={() => {
            setReport(null);
            setStatus('Testing…');
            void api.testConnection(candidate()).then(
              (result) => {
                setReport(result);
                setStatus(null);
              },
              (error: unknown) => { setStatus(`Test failed: ${String(error)}`); },
            );
          }}
        >
          Test connection
        </button>
        {report && (
          <ul className="report" aria-label="Connection test">
            <li>PostgreSQL: {report.postgres}</li>
            <li>Redis registry: {report.registry}</li>
            <li>Ollama: {report.ollama}</li>
          </ul>
        )}
      </fieldset>
      <fieldset>
        <legend>Monitoring</legend>
        <Field label="Poll every (seconds)" note={overridden('pollMs')}>
          <input type="number" min={0.25} step={0.25} value={draft.pollMs / 1000} disabled={overridden('pollMs') !== undefined} onChange={(event) => { setDraft({ ...draft, pollMs: Math.round(Number(event.target.value) * 1000) }); }} />
        </Field>
        <div className="field-row">
          {(
            [
              ['memoryPctOfRam', 'Memory, % of RAM'],
              ['agentCount', 'Agents'],
              ['sessionHours', 'Session length, hours'],
            ] as const
          ).map(([rule, label]) => (
            <Field key={rule} label={`${label}: warning / critical`} note={overridden('alerts')}>
              <span className="pair">
                <input aria-label={`${label} warning`} type="number" value={thresholds[rule]?.warning ?? ''} placeholder="default" onChange={(event) => { setDraft({ ...draft, alerts: { ...thresholds, [rule]: { ...thresholds[rule], warning: thresholdOf(event.target.value) } } }); }} />
                <input aria-label={`${label} critical`} type="number" value={thresholds[rule]?.critical ?? ''} placeholder="default" onChange={(event) => { setDraft({ ...draft, alerts: { ...thresholds, [rule]: { ...thresholds[rule], critical: thresholdOf(event.target.value) } } }); }} />
              </span>
            </Field>
          ))}
        </div>
        <div className="field-row">
          <Field label="Memory per role (role = GB, one a line)">
            <textarea rows={3} value={roleText} onChange={(event) => { setRoleText(event.target.value); }} placeholder="cto = 20" />
          </Field>
          <Field label="Memory per model (model = GB, one a line)">
            <textarea rows={3} value={modelText} onChange={(event) => { setModelText(event.target.value); }} placeholder="deepseek-coder:33b = 18.5" />
          </Field>
        </div>
        <label className="check">
          <input type="checkbox" checked={draft.launchAtLogin} onChange={(event) => { setDraft({ ...draft, launchAtLogin: event.target.checked }); }} /> Launch at login
        </label>
      </fieldset>
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
