import { z } from 'zod';
import { alertSettingsPatchSchema } from './alertSettings';
import { parseKeepAlive } from './ollamaKeepAlive';

const gb = z.number().positive().max(4096);

/** What a user can change, as the settings screen edits it. The password never travels here. */
export const settingsSchema = z.object({
  connection: z.object({
    /** A full PostgreSQL URL; when set, the separate fields are not used. */
    databaseUrl: z.string().max(2000).default(''),
    host: z.string().max(255).default('localhost'),
    port: z.number().int().min(1).max(65535).default(5433),
    database: z.string().max(255).default('echo_org'),
    user: z.string().max(255).default('echo_org'),
    redisUrl: z.string().max(2000).default('redis://localhost:6383'),
    /** Empty: Ollama is not asked. */
    ollamaEndpoint: z.string().max(2000).default('http://127.0.0.1:11434'),
  }),
  /** Ollama's scheduler, as set for Ollama: the forecast follows it. 0 and '' are Ollama's defaults. */
  ollama: z
    .object({
      maxLoadedModels: z.number().int().min(0).max(1000).default(0),
      keepAlive: z
        .string()
        .max(40)
        .refine(
          (value) => value === '' || parseKeepAlive(value) !== undefined,
          'must be a duration (5m, 1h30m) or a number of seconds, as Ollama reads it',
        )
        .default(''),
    })
    .default({ maxLoadedModels: 0, keepAlive: '' }),
  pollMs: z.number().int().min(250).max(3_600_000).default(5000),
  alerts: alertSettingsPatchSchema.default({}),
  memoryOverrides: z
    .object({
      byRole: z.record(z.string().min(1), gb).default({}),
      byModel: z.record(z.string().min(1), gb).default({}),
    })
    .default({ byRole: {}, byModel: {} }),
  launchAtLogin: z.boolean().default(false),
});
export type Settings = z.infer<typeof settingsSchema>;

/** The settings as the screen sees them: whether a password is stored, never the password. */
export interface SettingsView {
  readonly settings: Settings;
  readonly passwordStored: boolean;
  /** Whether the password can be kept encrypted on this machine. */
  readonly encryptionAvailable: boolean;
  /** Fields an environment variable decides, and which variable. */
  readonly overriddenBy: Readonly<Record<string, string>>;
}

export const settingsSaveSchema = z.object({
  settings: settingsSchema,
  /** undefined keeps the stored password; '' removes it. */
  password: z.string().max(1000).optional(),
});
export type SettingsSave = z.infer<typeof settingsSaveSchema>;

export interface ConnectionReport {
  readonly postgres: string;
  readonly registry: string;
  readonly ollama: string;
}

/** The settings screen's API, beside MonitorApi; only the desktop app has it. */
export interface SettingsApi {
  getSettings(): Promise<SettingsView>;
  saveSettings(save: SettingsSave): Promise<SettingsView>;
  testConnection(save: SettingsSave): Promise<ConnectionReport>;
}
