import type { Settings } from '../../../../shared/settings';
import { Field } from './Field';

/** An emptied field means "the default", not zero, which would fire at once. */
const thresholdOf = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

/** The monitoring fieldset: polling, alert thresholds, memory overrides, launch at login. */
export function MonitoringSettings({
  draft,
  roleText,
  modelText,
  overridden,
  setDraft,
  setRoleText,
  setModelText,
}: {
  readonly draft: Settings;
  readonly roleText: string;
  readonly modelText: string;
  readonly overridden: (field: string) => string | undefined;
  readonly setDraft: (draft: Settings) => void;
  readonly setRoleText: (text: string) => void;
  readonly setModelText: (text: string) => void;
}) {
  const thresholds = draft.alerts;

  return (
    <fieldset>
      <legend>Monitoring</legend>
      <Field label="Poll every (seconds)" note={overridden('pollMs')}>
        <input
          type="number"
          min={0.25}
          step={0.25}
          value={draft.pollMs / 1000}
          disabled={overridden('pollMs') !== undefined}
          onChange={(event) => {
            setDraft({ ...draft, pollMs: Math.round(Number(event.target.value) * 1000) });
          }}
        />
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
              {(['warning', 'critical'] as const).map((level) => (
                <input
                  key={level}
                  aria-label={`${label} ${level}`}
                  type="number"
                  value={thresholds[rule]?.[level] ?? ''}
                  placeholder="default"
                  onChange={(event) => {
                    setDraft({
                      ...draft,
                      alerts: {
                        ...thresholds,
                        [rule]: { ...thresholds[rule], [level]: thresholdOf(event.target.value) },
                      },
                    });
                  }}
                />
              ))}
            </span>
          </Field>
        ))}
      </div>
      <div className="field-row">
        <Field label="Memory per role (role = GB, one a line)">
          <textarea
            rows={3}
            value={roleText}
            onChange={(event) => {
              setRoleText(event.target.value);
            }}
            placeholder="cto = 20"
          />
        </Field>
        <Field label="Memory per model (model = GB, one a line)">
          <textarea
            rows={3}
            value={modelText}
            onChange={(event) => {
              setModelText(event.target.value);
            }}
            placeholder="deepseek-coder:33b = 18.5"
          />
        </Field>
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={draft.launchAtLogin}
          onChange={(event) => {
            setDraft({ ...draft, launchAtLogin: event.target.checked });
          }}
        />{' '}
        Launch at login
      </label>
    </fieldset>
  );
}
