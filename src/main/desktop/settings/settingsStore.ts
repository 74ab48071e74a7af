import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { settingsSchema, type Settings, type SettingsSave } from '../../../shared/settings';
import { parseJson } from '../../../shared/jsonLine';

/** Encrypts with the operating system's keychain: Electron's safeStorage in the app. */
export interface Cipher {
  available(): Promise<boolean>;
  encrypt(text: string): Promise<string>;
  decrypt(encoded: string): Promise<string>;
}

const fileSchema = z.object({
  version: z.literal(1),
  settings: settingsSchema,
  encryptedPassword: z.string().optional(),
});

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({ connection: {} });

export interface StoredSettings {
  readonly settings: Settings;
  readonly password: string | null;
  /** Why the file could not be used, when it could not; the defaults stand in. */
  readonly problem: string | null;
}

export class PasswordNotStorable extends Error {
  override readonly name = 'PasswordNotStorable';
}

/** Settings as validated JSON in the app's data folder; the password only ever encrypted. */
export class SettingsStore {
  constructor(
    private readonly path: string,
    private readonly cipher: Cipher,
  ) {}

  async load(): Promise<StoredSettings> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return { settings: DEFAULT_SETTINGS, password: null, problem: null };
    }
    const json = parseJson(text);
    const parsed = json.ok ? fileSchema.safeParse(json.value) : null;
    if (!parsed?.success) return { settings: DEFAULT_SETTINGS, password: null, problem: `${this.path} is damaged; using the defaults` };
    const { settings, encryptedPassword } = parsed.data;
    if (encryptedPassword === undefined) return { settings, password: null, problem: null };
    try {
      return { settings, password: await this.cipher.decrypt(encryptedPassword), problem: null };
    } catch {
      return { settings, password: null, problem: 'the stored password could not be decrypted on this machine; enter it again' };
    }
  }

  /** `password` undefined keeps the stored one, '' removes it. */
  async save(save: SettingsSave): Promise<void> {
    const current = await this.load();
    const password = save.password === undefined ? current.password : save.password === '' ? null : save.password;
    if (password !== null && !(await this.cipher.available())) {
      throw new PasswordNotStorable('this machine offers no encrypted storage for the password; set DB_PASSWORD in the environment instead');
    }
    const file = {
      version: 1 as const,
      settings: settingsSchema.parse(save.settings),
      ...(password === null ? {} : { encryptedPassword: await this.cipher.encrypt(password) }),
    };
    await mkdir(dirname(this.path), { recursive: true });
    await writeFile(`${this.path}.tmp`, JSON.stringify(file, null, 2), { mode: 0o600 });
    await rename(`${this.path}.tmp`, this.path);
  }
}
