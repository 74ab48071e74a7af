import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { REGISTRY_MODES, type RegistryMode } from './core/agentChoice';
import { readTzVariable } from './core/localTime';
import { ollamaEndpointFromHost } from './core/ollamaHost';
import { DEFAULT_OLLAMA_SCHEDULER, type OllamaScheduler } from './core/ollamaScheduler';
import { parseKeepAlive } from '../shared/ollamaKeepAlive';
import type { ChannelSubscriber } from './core/channelSubscriber';
import type { MachineStandIn } from './core/machineStandIn';
import { alertSettingsPatchSchema, applyAlertPatch, DEFAULT_ALERT_SETTINGS, misorderedThresholds, type AlertSettings } from '../shared/alertSettings';
import { parseJson } from '../shared/jsonLine';
import { escapeControls } from '../shared/terminalText';
import { describeIssues } from '../shared/zodIssues';

/** Where the sessions live: a connection string, or ECHO's separate fields. */
export type DatabaseConfig =
  | { readonly kind: 'url'; readonly connectionString: string }
  | {
      readonly kind: 'fields';
      readonly host: string;
      readonly port: number;
      readonly database: string;
      readonly user: string;
      readonly password: string;
    };

export interface MonitorConfig {
  readonly database: DatabaseConfig;
  /** Always a URL: REDIS_URL, or one built from REDIS_HOST and REDIS_PORT. */
  readonly redisUrl: string;
  readonly redisPrefix: string;
  readonly registryMode: RegistryMode;
  /** Null when set to `off`: no Ollama on this machine. */
  readonly ollamaEndpoint: string | null;
  /** When nvidia-smi is run: auto (never on a sleeping GPU, nor while Ollama holds no model on it), always or never. */
  readonly gpuReads: 'auto' | 'always' | 'never';
  /** Whether GPU memory is RAM: null detects it (Apple Silicon); true for an integrated GPU elsewhere. */
  readonly unifiedMemory: boolean | null;
  /** The bound on every connect and every query. */
  readonly timeoutMs: number;
  readonly pollMs: number;
  /** Where the resource series and the event log are kept; null keeps them in memory only. */
  readonly dataDir: string | null;
  readonly alerts: AlertSettings;
  /** ECHO counts an agent down after this long without a heartbeat (its own rule is 30 s). */
  readonly heartbeatTimeoutSeconds: number;
  /** Whether to look for ECHO's agent processes on this machine: off (null), any ECHO's (root null), or one ECHO root's. */
  readonly agentProcesses: AgentProcessSettings | null;
  /** Ollama's scheduler settings (OLLAMA_MAX_LOADED_MODELS, OLLAMA_KEEP_ALIVE), where this environment carries Ollama's. */
  readonly ollamaScheduler: OllamaScheduler;
  /** ECHO's channels inside this process, heard instead of Redis's: the demo's, which has no Redis. Never from the environment. */
  readonly localChannels?: ChannelSubscriber;
  /** The machine the demo simulates, read in place of this one's RAM, swap and GPU memory. Never from the environment. */
  readonly machine?: MachineStandIn;
}

export interface AgentProcessSettings {
  /** The ECHO root whose agents are watched and may be stopped; null: every root found, each shown apart. */
  readonly root: string | null;
  /**
   * Executables that run an agent's script, beside the Erlang VM's own
   * (`beam.smp`, `erl.exe`). Set only by the demo, whose agents are Node
   * processes where Erlang is not installed; never from the environment.
   */
  readonly extraVmExecutables?: readonly string[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const text = z.string().min(1, 'must not be empty');

/**
 * A whole number in plain decimal digits. Number() would also take `0x7d0`,
 * `1e3`, `2000.0` and ` 2000 `: a value written some other way is more likely
 * a mistake than a setting, and is refused rather than quietly read.
 */
function wholeNumber(min: number, max: number, messages: { readonly notDigits: string; readonly outOfRange: string }) {
  return z
    .string()
    .regex(/^\d+$/, messages.notDigits)
    .transform(Number)
    .pipe(z.number().min(min, messages.outOfRange).max(max, messages.outOfRange));
}

const port = wholeNumber(1, 65535, { notDigits: 'must be a port number', outOfRange: 'must be a port number from 1 to 65535' });

const milliseconds = (min: number, max: number) =>
  wholeNumber(min, max, {
    notDigits: 'must be a whole number of milliseconds, in plain digits',
    outOfRange: `must be from ${String(min)} to ${String(max)} milliseconds`,
  });

function urlWith(protocols: readonly string[]) {
  const expected = protocols.map((protocol) => `${protocol}//`).join(' or ');
  return z.string().refine((value) => {
    try {
      const url = new URL(value);
      return protocols.includes(url.protocol) && url.hostname.length > 0;
    } catch {
      return false;
    }
  }, { message: `must be a ${expected} URL`, abort: true });
}

function bracketed(host: string): string {
  // The URL API ignores a bare IPv6 address; it must be bracketed.
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

const hostName = text.refine((host) => URL.canParse(`redis://${bracketed(host)}:1`), 'must be a host name or IP address');

/** Far above any server's `databases` setting; a number past the server's own is refused by it, at connect. */
const REDIS_DATABASE_MAX = 65535;

/**
 * Whether the database a Redis URL selects is a plain number, as ioredis reads
 * it: the path, else a `db` parameter. Anything else (`/abc`, `/1/2`) would
 * reach ioredis as NaN and fail as an uncaught `select NaN`.
 */
function selectsValidDatabase(value: string): boolean {
  const url = new URL(value);
  const fromPath = url.pathname.replace(/^\//, '');
  const given = fromPath === '' ? url.searchParams.getAll('db') : [fromPath];
  if (given.length > 1) return false;
  const database = given[0];
  return database === undefined || (/^\d+$/.test(database) && Number(database) <= REDIS_DATABASE_MAX);
}

const redisUrl = urlWith(['redis:', 'rediss:']).refine(
  selectsValidDatabase,
  `must name its database, if any, as a whole number from 0 to ${String(REDIS_DATABASE_MAX)} (redis://host:port/2)`,
);

/** Each variable ECHO and this app read, with ECHO's default where it has one. */
const VARIABLES = {
  DATABASE_URL: urlWith(['postgres:', 'postgresql:']).optional(),
  DB_HOST: text.default('localhost'),
  DB_PORT: port.default(5433),
  DB_NAME: text.default('echo_org'),
  DB_USER: text.default('echo_org'),
  DB_PASSWORD: z.string().default('postgres'),
  REDIS_URL: redisUrl.optional(),
  REDIS_HOST: hostName.default('localhost'),
  REDIS_PORT: port.default(6383),
  REDIS_PREFIX: text.default('delegator:'),
  REGISTRY_MODE: z.enum(REGISTRY_MODES, { message: `must be one of ${REGISTRY_MODES.join(', ')}` }).default('auto'),
  // No default here: unset, it follows OLLAMA_HOST as Ollama does, then Ollama's own 127.0.0.1:11434.
  OLLAMA_ENDPOINT: z.union([z.literal('off'), urlWith(['http:', 'https:'])], { message: 'must be a http:// or https:// URL, or off' }).optional(),
  OLLAMA_HOST: z
    .string()
    .refine((value) => ollamaEndpointFromHost(value) !== null, 'must be a host, host:port or URL, as Ollama reads it')
    .optional(),
  // Ollama's own: 0 (its default) lets it choose, 3 per GPU.
  OLLAMA_MAX_LOADED_MODELS: wholeNumber(0, 1000, { notDigits: 'must be a whole number, as Ollama reads it', outOfRange: 'must be from 0 to 1000' }).optional(),
  OLLAMA_KEEP_ALIVE: z
    .string()
    .refine((value) => parseKeepAlive(value) !== undefined, 'must be a duration (5m, 1h30m) or a number of seconds, as Ollama reads it')
    .optional(),
  MONITOR_GPU_READS: z.enum(['auto', 'always', 'never'], { message: 'must be auto, always or never' }).default('auto'),
  MONITOR_UNIFIED_MEMORY: z.enum(['auto', 'on', 'off'], { message: 'must be auto, on or off' }).default('auto'),
  MONITOR_TIMEOUT_MS: milliseconds(100, 60_000).default(2000),
  MONITOR_POLL_MS: milliseconds(250, 3_600_000).default(5000),
  MONITOR_DATA_DIR: text.optional(),
  MONITOR_HEARTBEAT_TIMEOUT_S: wholeNumber(5, 3600, {
    notDigits: 'must be a whole number of seconds, in plain digits',
    outOfRange: 'must be from 5 to 3600 seconds',
  }).default(30),
  MONITOR_AGENT_PROCESSES: z
    .string()
    .refine((value) => value === 'on' || value === 'off' || isAbsolute(value), 'must be on, off, or the absolute path of an ECHO root')
    .default('on'),
  MONITOR_ALERTS: z
    .string()
    .transform((value, context) => {
      const json = parseJson(value);
      const patch = json.ok ? alertSettingsPatchSchema.safeParse(json.value) : null;
      if (!patch?.success) {
        context.addIssue({ code: 'custom', message: `must be JSON alert settings (${patch ? describeIssues(patch.error) : 'not JSON'})` });
        return z.NEVER;
      }
      const alerts = applyAlertPatch(patch.data);
      const misordered = misorderedThresholds(alerts);
      if (misordered.length === 0) return alerts;
      context.addIssue({ code: 'custom', message: `must set each warning short of its critical (${misordered.join('; ')})` });
      return z.NEVER;
    })
    .optional(),
  // Read here only to be checked: each command is given the zone itself (runCli, systemTimeZone).
  TZ: z
    .string()
    .refine((value) => readTzVariable(value).valid, 'must be a time zone such as Europe/Paris, a POSIX rule such as UTC0, or a zoneinfo file')
    .optional(),
} as const;

const CONFIG_VARIABLES = Object.keys(VARIABLES) as (keyof typeof VARIABLES)[];

// Values that may hold a password are never echoed back in an error.
const SECRET = new Set<string>(['DATABASE_URL', 'DB_PASSWORD', 'REDIS_URL']);

const envSchema = z.object(VARIABLES);

function blankAsUnset(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const picked: Record<string, string | undefined> = {};
  for (const name of CONFIG_VARIABLES) {
    const value = env[name];
    // `DB_PORT=` in an env file means "not set"; only a password may really be empty.
    picked[name] = value === '' && name !== 'DB_PASSWORD' ? undefined : value;
  }
  return picked;
}

/** Ollama's address at the monitor's own setting, else where `OLLAMA_HOST` points Ollama, else where Ollama binds. */
function ollamaEndpointOf(endpoint: string | undefined, host: string | undefined): string | null {
  if (endpoint === 'off') return null;
  return endpoint ?? (host === undefined ? null : ollamaEndpointFromHost(host)) ?? 'http://127.0.0.1:11434';
}

function agentProcessesOf(setting: string): MonitorConfig['agentProcesses'] {
  if (setting === 'off') return null;
  return { root: setting === 'on' ? null : setting };
}

function redisUrlFrom(host: string, redisPort: number): string {
  return new URL(`redis://${bracketed(host)}:${redisPort}`).toString();
}

/** The variables as the schema reads them; a bad value throws a ConfigError whose one line names each variable at fault. */
function parseVariables<T>(schema: z.ZodType<T>, env: Readonly<Record<string, string | undefined>>): T {
  const picked = blankAsUnset(env);
  const parsed = schema.safeParse(picked);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    // A value is echoed so its mistake can be seen, escaped: it may hold a terminal's control characters.
    const shown = SECRET.has(name) ? '' : ` (got ${escapeControls(JSON.stringify(picked[name]))})`;
    return `${name} ${issue.message}${shown}`;
  });
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}

/**
 * Checks what a command reads of the environment even on the demo, which
 * brings its own connections: the time zone. Throws a ConfigError naming TZ.
 */
export function checkTimeZoneVariable(env: Readonly<Record<string, string | undefined>>): void {
  parseVariables(z.object({ TZ: VARIABLES.TZ }), env);
}

/** Reads the configuration; a bad value throws a ConfigError whose one line names each variable at fault. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): MonitorConfig {
  const vars = parseVariables(envSchema, env);
  return {
    database: vars.DATABASE_URL
      ? { kind: 'url', connectionString: vars.DATABASE_URL }
      : {
          kind: 'fields',
          host: vars.DB_HOST,
          port: vars.DB_PORT,
          database: vars.DB_NAME,
          user: vars.DB_USER,
          password: vars.DB_PASSWORD,
        },
    redisUrl: vars.REDIS_URL ?? redisUrlFrom(vars.REDIS_HOST, vars.REDIS_PORT),
    redisPrefix: vars.REDIS_PREFIX,
    registryMode: vars.REGISTRY_MODE,
    ollamaEndpoint: ollamaEndpointOf(vars.OLLAMA_ENDPOINT, vars.OLLAMA_HOST),
    unifiedMemory: vars.MONITOR_UNIFIED_MEMORY === 'auto' ? null : vars.MONITOR_UNIFIED_MEMORY === 'on',
    gpuReads: vars.MONITOR_GPU_READS,
    timeoutMs: vars.MONITOR_TIMEOUT_MS,
    pollMs: vars.MONITOR_POLL_MS,
    dataDir: vars.MONITOR_DATA_DIR ?? null,
    alerts: vars.MONITOR_ALERTS ?? DEFAULT_ALERT_SETTINGS,
    heartbeatTimeoutSeconds: vars.MONITOR_HEARTBEAT_TIMEOUT_S,
    agentProcesses: agentProcessesOf(vars.MONITOR_AGENT_PROCESSES),
    ollamaScheduler: {
      maxLoadedModels: vars.OLLAMA_MAX_LOADED_MODELS === undefined || vars.OLLAMA_MAX_LOADED_MODELS === 0 ? null : vars.OLLAMA_MAX_LOADED_MODELS,
      keepAliveMs: vars.OLLAMA_KEEP_ALIVE === undefined ? DEFAULT_OLLAMA_SCHEDULER.keepAliveMs : (parseKeepAlive(vars.OLLAMA_KEEP_ALIVE) ?? null),
    },
  };
}

/** `echo_org@localhost:5433/echo_org`: where the sessions are read from, without the password. */
export function describeDatabase(database: DatabaseConfig): string {
  if (database.kind === 'fields') {
    return `${database.user}@${database.host}:${database.port}/${database.database}`;
  }
  const url = new URL(database.connectionString);
  const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
  return `${user}${url.host}${url.pathname}`;
}

/** The Redis URL without its password. */
export function describeRedis(redisUrl: string): string {
  const url = new URL(redisUrl);
  url.password = '';
  return url.toString().replace(/\/$/, '');
}
