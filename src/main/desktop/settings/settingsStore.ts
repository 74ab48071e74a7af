import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { settingsSchema, type Settings, type SettingsSave } from '../../../shared/settings';
import { parseJson } from '../../../shared/jsonLine';

/** Encrypts with the operating system's keychain: Electron's safeStorage in the app. */
export interface Cipher {
  available(): Promise<boolean>;
  encrypt(text: string): Promise<string>;
  /** `reEncrypt`: the keychain says this was sealed the old way and should be sealed again. */
  decrypt(encoded: string): Promise<{ readonly text: string; readonly reEncrypt: boolean }>;
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
    if (!parsed?.success)
      return { settings: DEFAULT_SETTINGS, password: null, problem: `${this.path} is damaged; using the defaults` };
    const { settings, encryptedPassword } = parsed.data;
    if (encryptedPassword === undefined) return { settings, password: null, problem: null };
    try {
      const { text, reEncrypt } = await this.cipher.decrypt(encryptedPassword);
      if (reEncrypt) await this.save({ settings, password: text }).catch(() => undefined);
      return { settings, password: text, problem: null };
    } catch {
      return {
        settings,
        password: null,
        problem: 'the stored password could not be decrypted on this machine; enter it again',
      };
    }
  }

  /** `password` undefined keeps the stored one, '' removes it. */
  async save(save: SettingsSave): Promise<void> {
    // Read the stored password only when it is kept: loading may itself save (to re-encrypt), with a password given.
    const password =
      save.password === undefined ? (await this.load()).password : save.password === '' ? null : save.password;
    if (password !== null && !(await this.cipher.available())) {
      throw new PasswordNotStorable(
        'this machine offers no encrypted storage for the password; set DB_PASSWORD in the environment instead',
      );
    }
    const file = {
      version: 1 as const,
      settings: settingsSchema.parse(save.settings),
      ...(password === null ? {} : { encryptedPassword: await this.cipher.encrypt(password) }),
    };
    await mkdir(dirname(this.path), { recursive: true });
    // A name of its own per save: two saves at once must not rename each other's half-written file.
    const temporary = `${this.path}.${String(process.pid)}.${randomUUID()}.tmp`;
    await writeFile(temporary, JSON.stringify(file, null, 2), { mode: 0o600 });
    await rename(temporary, this.path);
  }
}
