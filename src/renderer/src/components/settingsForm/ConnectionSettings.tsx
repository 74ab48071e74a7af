import type { ConnectionReport, Settings, SettingsView } from '../../../../shared/settings';
import { Field } from './Field';

type Connection = Settings['connection'];

/** The connection fieldset: where ECHO's database, registry and Ollama are, and a test of them. */
export function ConnectionSettings({
  view,
  draft,
  password,
  report,
  overridden,
  setDraft,
  setPassword,
  onTest,
}: {
  readonly view: SettingsView;
  readonly draft: Settings;
  readonly password: string;
  readonly report: ConnectionReport | null;
  readonly overridden: (field: string) => string | undefined;
  readonly setDraft: (draft: Settings) => void;
  readonly setPassword: (password: string) => void;
  readonly onTest: () => void;
}) {
  const connection = (field: keyof Connection, value: string | number): void => {
    setDraft({ ...draft, connection: { ...draft.connection, [field]: value } });
  };
  const ollama = (field: keyof Settings['ollama'], value: string | number): void => {
    setDraft({ ...draft, ollama: { ...draft.ollama, [field]: value } });
  };

  return (
    <fieldset>
      <legend>Connection</legend>
      <Field label="PostgreSQL URL (instead of the fields below)" note={overridden('connection.databaseUrl')}>
        <input
          value={draft.connection.databaseUrl}
          disabled={overridden('connection.databaseUrl') !== undefined}
          onChange={(event) => {
            connection('databaseUrl', event.target.value);
          }}
          placeholder="postgres://user@host:5433/echo_org"
        />
      </Field>
      <div className="field-row">
        <Field label="Host" note={overridden('connection.host')}>
          <input
            value={draft.connection.host}
            disabled={overridden('connection.host') !== undefined}
            onChange={(event) => {
              connection('host', event.target.value);
            }}
          />
        </Field>
        <Field label="Port" note={overridden('connection.port')}>
          <input
            type="number"
            value={draft.connection.port}
            disabled={overridden('connection.port') !== undefined}
            onChange={(event) => {
              connection('port', Number(event.target.value));
            }}
          />
        </Field>
        <Field label="Database" note={overridden('connection.database')}>
          <input
            value={draft.connection.database}
            disabled={overridden('connection.database') !== undefined}
            onChange={(event) => {
              connection('database', event.target.value);
            }}
          />
        </Field>
        <Field label="User" note={overridden('connection.user')}>
          <input
            value={draft.connection.user}
            disabled={overridden('connection.user') !== undefined}
            onChange={(event) => {
              connection('user', event.target.value);
            }}
          />
        </Field>
        <Field
          label="Password"
          note={
            overridden('connection.password') ??
            (view.passwordStored
              ? 'A password is stored, encrypted. Type to replace it.'
              : view.encryptionAvailable
                ? undefined
                : 'This machine cannot store a password encrypted; set DB_PASSWORD instead.')
          }
        >
          <input
            type="password"
            autoComplete="off"
            value={password}
            disabled={overridden('connection.password') !== undefined}
            onChange={(event) => {
              setPassword(event.target.value);
            }}
          />
        </Field>
      </div>
      <Field label="Redis URL" note={overridden('connection.redisUrl')}>
        <input
          value={draft.connection.redisUrl}
          disabled={overridden('connection.redisUrl') !== undefined}
          onChange={(event) => {
            connection('redisUrl', event.target.value);
          }}
        />
      </Field>
      <Field label="Ollama endpoint (empty: not asked)" note={overridden('connection.ollamaEndpoint')}>
        <input
          value={draft.connection.ollamaEndpoint}
          disabled={overridden('connection.ollamaEndpoint') !== undefined}
          onChange={(event) => {
            connection('ollamaEndpoint', event.target.value);
          }}
        />
      </Field>
      <div className="field-row">
        <Field label="Ollama's OLLAMA_MAX_LOADED_MODELS (0: its default)" note={overridden('ollama.maxLoadedModels')}>
          <input
            type="number"
            min={0}
            max={1000}
            value={draft.ollama.maxLoadedModels}
            disabled={overridden('ollama.maxLoadedModels') !== undefined}
            onChange={(event) => {
              ollama('maxLoadedModels', Number(event.target.value));
            }}
          />
        </Field>
        <Field label="Ollama's OLLAMA_KEEP_ALIVE (empty: 5m)" note={overridden('ollama.keepAlive')}>
          <input
            value={draft.ollama.keepAlive}
            placeholder="5m"
            disabled={overridden('ollama.keepAlive') !== undefined}
            onChange={(event) => {
              ollama('keepAlive', event.target.value);
            }}
          />
        </Field>
      </div>
      <button type="button" onClick={onTest}>
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
  );
}
