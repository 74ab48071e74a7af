import { z } from 'zod';
import type { RegistryMode } from './core/agentChoice';
import { ollamaEndpointFromHost } from './core/ollamaHost';
import { DEFAULT_OLLAMA_SCHEDULER, type OllamaScheduler } from './core/ollamaScheduler';
import { parseKeepAlive } from '../shared/ollamaKeepAlive';
import type { ChannelSubscriber } from './core/channelSubscriber';
import type { MachineStandIn } from './core/machineStandIn';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../shared/alertSettings';
import { escapeControls } from '../shared/terminalText';
import { bracketed, VARIABLES, type ReceiverSettings } from './configVariables';

export type { ReceiverSettings, SecretSetting } from './configVariables';

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
  /** Where each alert's firing, reminder and recovery is sent by a long-running monitor; none when absent. */
  readonly receivers?: readonly ReceiverSettings[];
  /** ECHO counts an agent down after this long without a heartbeat (its own rule is 30 s). */
  readonly heartbeatTimeoutSeconds: number;
  /**
   * Whether to look for ECHO's agent processes on this machine: off (null), any ECHO's (root null), or one ECHO root's.
   */
  readonly agentProcesses: AgentProcessSettings | null;
  /**
   * Ollama's scheduler settings (OLLAMA_MAX_LOADED_MODELS, OLLAMA_KEEP_ALIVE), where this environment carries Ollama's.
   */
  readonly ollamaScheduler: OllamaScheduler;
  /**
   * ECHO's channels inside this process, heard instead of Redis's: the demo's, which has no Redis. Never from the
   * environment.
   */
  readonly localChannels?: ChannelSubscriber;
  /**
   * The machine the demo simulates, read in place of this one's RAM, swap and GPU memory. Never from the environment.
   */
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

const CONFIG_VARIABLES = Object.keys(VARIABLES) as (keyof typeof VARIABLES)[];

// Values that may hold a password are never echoed back in an error.
const SECRET = new Set<string>(['DATABASE_URL', 'DB_PASSWORD', 'REDIS_URL', 'MONITOR_ALERT_RECEIVERS']);

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

/**
 * The variables as the schema reads them; a bad value throws a ConfigError whose one line names each variable at fault.
 */
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
    receivers: vars.MONITOR_ALERT_RECEIVERS ?? [],
    heartbeatTimeoutSeconds: vars.MONITOR_HEARTBEAT_TIMEOUT_S,
    agentProcesses: agentProcessesOf(vars.MONITOR_AGENT_PROCESSES),
    ollamaScheduler: {
      maxLoadedModels:
        vars.OLLAMA_MAX_LOADED_MODELS === undefined || vars.OLLAMA_MAX_LOADED_MODELS === 0
          ? null
          : vars.OLLAMA_MAX_LOADED_MODELS,
      keepAliveMs:
        vars.OLLAMA_KEEP_ALIVE === undefined
          ? DEFAULT_OLLAMA_SCHEDULER.keepAliveMs
          : (parseKeepAlive(vars.OLLAMA_KEEP_ALIVE) ?? null),
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
