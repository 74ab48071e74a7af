import { z } from 'zod';
import { IPC_SETTINGS } from '../../../shared/ipcChannels';
import {
  settingsSaveSchema,
  type ConnectionReport,
  type Settings,
  type SettingsSave,
  type SettingsView,
} from '../../../shared/settings';
import { ConfigError, loadConfig } from '../../config';
import { parseArgs, type Handler } from '../ipcHandlers';
import { testConnection } from './connectionTest';
import { effectiveEnv } from './effectiveEnv';
import type { Cipher, SettingsStore } from './settingsStore';

export interface SettingsServiceOptions {
  readonly store: SettingsStore;
  readonly cipher: Cipher;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeZone: string;
  /** Puts saved settings to work: restarts the monitor, sets launch at login. */
  readonly apply: (settings: Settings, env: Record<string, string | undefined>) => Promise<void>;
}

/** What the settings screen asks of the app: the view without the password, saving, and a connection test. */
export function settingsService(options: SettingsServiceOptions) {
  const view = async (): Promise<SettingsView> => {
    const stored = await options.store.load();
    return {
      settings: stored.settings,
      passwordStored: stored.password !== null,
      encryptionAvailable: await options.cipher.available(),
      overriddenBy: effectiveEnv(stored.settings, stored.password, options.env).overriddenBy,
    };
  };
  /** A candidate's configuration: the saved password unless a new one is given. */
  const candidateEnv = async (save: SettingsSave) => {
    const password = save.password ?? (await options.store.load()).password;
    return effectiveEnv(save.settings, password === '' ? null : password, options.env).env;
  };
  return {
    view,
    async save(save: SettingsSave): Promise<SettingsView> {
      const env = await candidateEnv(save);
      // A setting that makes no valid configuration is refused before it is written.
      loadConfig(env);
      await options.store.save(save);
      await options.apply(save.settings, env);
      return view();
    },
    async test(save: SettingsSave): Promise<ConnectionReport> {
      try {
        return await testConnection(loadConfig(await candidateEnv(save)), options.timeZone);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        return { postgres: error.message, registry: error.message, ollama: error.message };
      }
    },
  };
}

export function settingsHandlers(service: ReturnType<typeof settingsService>): Readonly<Record<string, Handler>> {
  return {
    [IPC_SETTINGS.getSettings]: (args) => {
      parseArgs(z.tuple([]), args);
      return service.view();
    },
    [IPC_SETTINGS.saveSettings]: (args) => service.save(parseArgs(z.tuple([settingsSaveSchema]), args)[0]),
    [IPC_SETTINGS.testConnection]: (args) => service.test(parseArgs(z.tuple([settingsSaveSchema]), args)[0]),
  };
}
