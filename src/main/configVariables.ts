import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { REGISTRY_MODES } from './core/agentChoice';
import { readTzVariable } from './core/localTime';
import { ollamaEndpointFromHost } from './core/ollamaHost';
import { parseKeepAlive } from '../shared/ollamaKeepAlive';
import { receiverKindSchema, severitySchema, type ReceiverKind, type Severity } from '../shared/model';
import { alertSettingsPatchSchema, applyAlertPatch, misorderedThresholds } from '../shared/alertSettings';
import { parseJson } from '../shared/jsonLine';
import { describeIssues } from '../shared/zodIssues';

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

const port = wholeNumber(1, 65535, {
  notDigits: 'must be a port number',
  outOfRange: 'must be a port number from 1 to 65535',
});

const milliseconds = (min: number, max: number) =>
  wholeNumber(min, max, {
    notDigits: 'must be a whole number of milliseconds, in plain digits',
    outOfRange: `must be from ${String(min)} to ${String(max)} milliseconds`,
  });

function urlWith(protocols: readonly string[]) {
  const expected = protocols.map((protocol) => `${protocol}//`).join(' or ');
  return z.string().refine(
    (value) => {
      try {
        const url = new URL(value);
        return protocols.includes(url.protocol) && url.hostname.length > 0;
      } catch {
        return false;
      }
    },
    { message: `must be a ${expected} URL`, abort: true },
  );
}

export function bracketed(host: string): string {
  // The URL API ignores a bare IPv6 address; it must be bracketed.
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

const hostName = text.refine(
  (host) => URL.canParse(`redis://${bracketed(host)}:1`),
  'must be a host name or IP address',
);

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

/**
 * A secret given in the variable itself, or the file holding it (read when the monitor starts, checked as the access
 * token's file is).
 */
export type SecretSetting =
  { readonly from: 'value'; readonly value: string } | { readonly from: 'file'; readonly path: string };

/** One place alerts are sent (`MONITOR_ALERT_RECEIVERS`). */
export interface ReceiverSettings {
  /** What logs and health call it: never its URL, which may be a secret (a Slack webhook's is). */
  readonly name: string;
  readonly kind: ReceiverKind;
  readonly minLevel: Severity;
  readonly url: SecretSetting;
  /** Sent as `Authorization: Bearer`; never to Slack, whose URL is its secret. */
  readonly token: SecretSetting | null;
  /** The bound on each request, its answer included. */
  readonly timeoutMs: number;
}

const RECEIVERS_MAX = 10;

const secretPath = z.string().refine(isAbsolute, 'must be an absolute path');

/** One receiver as written, checked whole; named once its siblings are known (parseReceivers). */
const receiverEntrySchema = z
  .object({
    kind: receiverKindSchema,
    name: z
      .string()
      .regex(/^[A-Za-z0-9][\w.-]{0,39}$/, 'must be 1 to 40 letters, digits, dots, dashes or underscores')
      .optional(),
    url: urlWith(['http:', 'https:']).optional(),
    urlFile: secretPath.optional(),
    token: z
      .string()
      .regex(/^[\x21-\x7e]{1,1024}$/, 'must be 1 to 1024 printable characters, without spaces')
      .optional(),
    tokenFile: secretPath.optional(),
    minLevel: severitySchema.default('warning'),
    timeoutMs: z.number().int().min(100).max(60_000).default(5000),
  })
  .strict()
  .transform((entry, context) => {
    const url = secretOf(entry.url, entry.urlFile);
    const token = secretOf(entry.token, entry.tokenFile);
    const problem =
      url === null || (entry.url !== undefined && entry.urlFile !== undefined)
        ? 'needs url or urlFile, one of them'
        : entry.token !== undefined && entry.tokenFile !== undefined
          ? 'takes token or tokenFile, not both'
          : entry.kind === 'slack' && token !== null
            ? 'slack takes no token: its URL is its secret (urlFile)'
            : null;
    if (problem !== null || url === null) {
      context.addIssue({ code: 'custom', message: problem ?? 'needs url or urlFile' });
      return z.NEVER;
    }
    const { kind, minLevel, timeoutMs } = entry;
    return { name: entry.name ?? null, kind, minLevel, url, token, timeoutMs };
  });

function secretOf(value: string | undefined, path: string | undefined): SecretSetting | null {
  if (value !== undefined) return { from: 'value', value };
  return path === undefined ? null : { from: 'file', path };
}

const receiversSchema = z
  .array(receiverEntrySchema)
  .max(RECEIVERS_MAX, `holds at most ${String(RECEIVERS_MAX)} receivers`);

function parseReceivers(value: string, context: z.RefinementCtx): readonly ReceiverSettings[] {
  const json = parseJson(value);
  const parsed = json.ok ? receiversSchema.safeParse(json.value) : null;
  if (!parsed?.success) {
    context.addIssue({
      code: 'custom',
      message: `must be a JSON array of alert receivers (${parsed ? describeIssues(parsed.error) : 'not JSON'})`,
    });
    return z.NEVER;
  }
  // Named by its kind where it is the only one of that kind; several of one kind must be named.
  const only = (kind: ReceiverKind): boolean => parsed.data.filter((other) => other.kind === kind).length === 1;
  const receivers = parsed.data.map((entry) => ({
    ...entry,
    name: entry.name ?? (only(entry.kind) ? entry.kind : ''),
  }));
  const names = receivers.map((receiver) => receiver.name);
  const unnamed = names.flatMap((name, index) => (name === '' ? [String(index)] : []));
  const repeated = [...new Set(names.filter((name, index) => name !== '' && names.indexOf(name) !== index))];
  const problem =
    unnamed.length > 0
      ? `must name each of several receivers of one kind (${unnamed.join(', ')}: no name)`
      : repeated.length > 0
        ? `must name each receiver once (${repeated.join(', ')} twice)`
        : null;
  if (problem === null) return receivers;
  context.addIssue({ code: 'custom', message: problem });
  return z.NEVER;
}

/** Each variable ECHO and this app read, with ECHO's default where it has one. */
export const VARIABLES = {
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
  OLLAMA_ENDPOINT: z
    .union([z.literal('off'), urlWith(['http:', 'https:'])], { message: 'must be a http:// or https:// URL, or off' })
    .optional(),
  OLLAMA_HOST: z
    .string()
    .refine((value) => ollamaEndpointFromHost(value) !== null, 'must be a host, host:port or URL, as Ollama reads it')
    .optional(),
  // Ollama's own: 0 (its default) lets it choose, 3 per GPU.
  OLLAMA_MAX_LOADED_MODELS: wholeNumber(0, 1000, {
    notDigits: 'must be a whole number, as Ollama reads it',
    outOfRange: 'must be from 0 to 1000',
  }).optional(),
  OLLAMA_KEEP_ALIVE: z
    .string()
    .refine(
      (value) => parseKeepAlive(value) !== undefined,
      'must be a duration (5m, 1h30m) or a number of seconds, as Ollama reads it',
    )
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
    .refine(
      (value) => value === 'on' || value === 'off' || isAbsolute(value),
      'must be on, off, or the absolute path of an ECHO root',
    )
    .default('on'),
  MONITOR_ALERTS: z
    .string()
    .transform((value, context) => {
      const json = parseJson(value);
      const patch = json.ok ? alertSettingsPatchSchema.safeParse(json.value) : null;
      if (!patch?.success) {
        context.addIssue({
          code: 'custom',
          message: `must be JSON alert settings (${patch ? describeIssues(patch.error) : 'not JSON'})`,
        });
        return z.NEVER;
      }
      const alerts = applyAlertPatch(patch.data);
      const misordered = misorderedThresholds(alerts);
      if (misordered.length === 0) return alerts;
      context.addIssue({
        code: 'custom',
        message: `must set each warning short of its critical (${misordered.join('; ')})`,
      });
      return z.NEVER;
    })
    .optional(),
  MONITOR_ALERT_RECEIVERS: z.string().transform(parseReceivers).optional(),
  // Read here only to be checked: each command is given the zone itself (runCli, systemTimeZone).
  TZ: z
    .string()
    .refine(
      (value) => readTzVariable(value).valid,
      'must be a time zone such as Europe/Paris, a POSIX rule such as UTC0, or a zoneinfo file',
    )
    .optional(),
} as const;
