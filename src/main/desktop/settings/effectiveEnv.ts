import type { Settings } from '../../../shared/settings';

type Env = Readonly<Record<string, string | undefined>>;

/** Which environment variables decide each field of the screen; any one of them set wins over the file. */
export const FIELD_VARIABLES: Readonly<Record<string, readonly string[]>> = {
  'connection.databaseUrl': ['DATABASE_URL'],
  'connection.host': ['DATABASE_URL', 'DB_HOST'],
  'connection.port': ['DATABASE_URL', 'DB_PORT'],
  'connection.database': ['DATABASE_URL', 'DB_NAME'],
  'connection.user': ['DATABASE_URL', 'DB_USER'],
  'connection.password': ['DATABASE_URL', 'DB_PASSWORD'],
  'connection.redisUrl': ['REDIS_URL', 'REDIS_HOST', 'REDIS_PORT'],
  'connection.ollamaEndpoint': ['OLLAMA_ENDPOINT', 'OLLAMA_HOST'],
  'ollama.maxLoadedModels': ['OLLAMA_MAX_LOADED_MODELS'],
  'ollama.keepAlive': ['OLLAMA_KEEP_ALIVE'],
  pollMs: ['MONITOR_POLL_MS'],
  alerts: ['MONITOR_ALERTS'],
};

/** The file's settings as the environment variables the configuration reads. */
export function settingsAsEnv(settings: Settings, password: string | null): Record<string, string> {
  const { connection } = settings;
  const database: Record<string, string> = connection.databaseUrl
    ? { DATABASE_URL: connection.databaseUrl }
    : {
        DB_HOST: connection.host,
        DB_PORT: String(connection.port),
        DB_NAME: connection.database,
        DB_USER: connection.user,
        ...(password === null ? {} : { DB_PASSWORD: password }),
      };
  return {
    ...database,
    REDIS_URL: connection.redisUrl,
    OLLAMA_ENDPOINT: connection.ollamaEndpoint === '' ? 'off' : connection.ollamaEndpoint,
    // Unset stays Ollama's default, as Ollama reads it.
    ...(settings.ollama.maxLoadedModels > 0
      ? { OLLAMA_MAX_LOADED_MODELS: String(settings.ollama.maxLoadedModels) }
      : {}),
    ...(settings.ollama.keepAlive === '' ? {} : { OLLAMA_KEEP_ALIVE: settings.ollama.keepAlive }),
    MONITOR_POLL_MS: String(settings.pollMs),
    MONITOR_ALERTS: JSON.stringify(settings.alerts),
  };
}

const isSet = (env: Env, name: string): boolean => env[name] !== undefined && env[name] !== '';

/**
 * The configuration's input: the file's settings, with every variable set in
 * the environment winning, and the fields it decides named for the screen.
 */
export function effectiveEnv(
  settings: Settings,
  password: string | null,
  env: Env,
): { env: Record<string, string | undefined>; overriddenBy: Record<string, string> } {
  const fromFile = settingsAsEnv(settings, password);
  const overriddenBy: Record<string, string> = {};
  for (const [field, names] of Object.entries(FIELD_VARIABLES)) {
    const winner = names.find((name) => isSet(env, name));
    if (winner !== undefined) overriddenBy[field] = winner;
  }
  // The database is one choice: a URL or fields. Whichever the environment names wins whole.
  const envNamesDatabase =
    isSet(env, 'DATABASE_URL') || Object.keys(env).some((name) => name.startsWith('DB_') && isSet(env, name));
  const file = envNamesDatabase
    ? Object.fromEntries(
        Object.entries(fromFile).filter(
          ([name]) => name !== 'DATABASE_URL' && !(isSet(env, 'DATABASE_URL') && name.startsWith('DB_')),
        ),
      )
    : fromFile;
  const merged: Record<string, string | undefined> = { ...file };
  // People set OLLAMA_HOST for Ollama and expect every tool to follow it: it beats the file's endpoint.
  if (isSet(env, 'OLLAMA_HOST')) delete merged.OLLAMA_ENDPOINT;
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value !== '') merged[name] = value;
  return { env: merged, overriddenBy };
}
