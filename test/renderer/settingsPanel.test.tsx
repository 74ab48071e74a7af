// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsPanel } from '../../src/renderer/src/components/SettingsPanel';
import { settingsSchema, type SettingsApi, type SettingsSave, type SettingsView } from '../../src/shared/settings';

afterEach(cleanup);

const VIEW: SettingsView = {
  settings: settingsSchema.parse({ connection: {}, memoryOverrides: { byRole: { cto: 20 }, byModel: {} } }),
  passwordStored: true,
  encryptionAvailable: true,
  overriddenBy: { 'connection.host': 'DB_HOST' },
};

function fakeApi() {
  const saved: SettingsSave[] = [];
  const tested: SettingsSave[] = [];
  const api: SettingsApi = {
    getSettings: () => Promise.resolve(VIEW),
    saveSettings: (save) => {
      saved.push(save);
      return Promise.resolve({ ...VIEW, settings: save.settings });
    },
    testConnection: (save) => {
      tested.push(save);
      return Promise.resolve({
        postgres: 'ok',
        registry: 'Redis: connect ECONNREFUSED 127.0.0.1:6383',
        ollama: 'not used',
      });
    },
  };
  return { api, saved, tested };
}

async function show(api: SettingsApi): Promise<void> {
  await act(async () => {
    render(<SettingsPanel api={api} />);
    await Promise.resolve();
  });
}

describe('the settings panel', () => {
  it('says which fields the environment decides, and that a password is stored without showing it', async () => {
    await show(fakeApi().api);
    const host = screen.getByLabelText<HTMLInputElement>(/^Host/);
    expect(host.disabled).toBe(true);
    expect(screen.getByText('Set by DB_HOST in the environment, which wins over this field.')).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>(/^Password/).value).toBe('');
    expect(screen.getByText('A password is stored, encrypted. Type to replace it.')).toBeTruthy();
    expect(screen.getByLabelText<HTMLTextAreaElement>(/^Memory per role/).value).toBe('cto = 20');
  });

  it('tests the connection it shows and reports each source', async () => {
    const { api, tested } = fakeApi();
    await show(api);
    await act(async () => {
      fireEvent.change(screen.getByLabelText(/^Redis URL/), { target: { value: 'redis://cache:6379' } });
      fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
      await Promise.resolve();
    });
    expect(tested[0]?.settings.connection.redisUrl).toBe('redis://cache:6379');
    expect(
      within(screen.getByRole('list', { name: 'Connection test' }))
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['PostgreSQL: ok', 'Redis registry: Redis: connect ECONNREFUSED 127.0.0.1:6383', 'Ollama: not used']);
  });

  it('saves thresholds, overrides and a new password, and says it did', async () => {
    const { api, saved } = fakeApi();
    await show(api);
    await act(async () => {
      fireEvent.change(screen.getByLabelText('Agents warning'), { target: { value: '4' } });
      fireEvent.change(screen.getByLabelText('Agents critical'), { target: { value: '7' } });
      // Emptied again: back to the default, not zero.
      fireEvent.change(screen.getByLabelText('Agents critical'), { target: { value: '' } });
      fireEvent.change(screen.getByLabelText(/^Memory per model/), {
        target: { value: 'deepseek-coder:33b = 18.5\nnonsense' },
      });
      fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: 'hunter2' } });
      fireEvent.click(screen.getByLabelText('Launch at login'));
      fireEvent.click(screen.getByRole('button', { name: 'Save' }));
      await Promise.resolve();
    });
    expect(saved[0]).toMatchObject({
      password: 'hunter2',
      settings: {
        alerts: { agentCount: { warning: 4, critical: undefined } },
        memoryOverrides: { byRole: { cto: 20 }, byModel: { 'deepseek-coder:33b': 18.5 } },
        launchAtLogin: true,
      },
    });
    expect(screen.getByRole('status').textContent).toBe('Saved. The monitor restarted with these settings.');
  });
});
