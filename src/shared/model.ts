import { z } from 'zod';
import { agentOriginSchema, agentViewSchema, echoProcessViewSchema } from './agentModel';
import { echoWorkSchema } from './echoWorkModel';
import { admissionForecastSchema } from './forecast';
import { instantSchema } from './instant';
import { localDateSchema } from './localDate';

export * from './agentModel';
export * from './echoWorkModel';
export { instantSchema, type Instant } from './instant';
export { LOCAL_DATE_RANGE, localDateSchema, type LocalDate } from './localDate';

/** One row of ECHO's `delegator_sessions`, as the monitor understands it. */
export const sessionRecordSchema = z.object({
  sessionId: z.string(),
  category: z.string(),
  description: z.string().nullable(),
  agents: z.array(z.string()),
  startedAt: instantSchema,
  endedAt: instantSchema.nullable(),
  /** Null where the row holds NULL: said as unknown, never as 0. */
  totalAgentsSpawned: z.number().int().nonnegative().nullable(),
  tasksDelegated: z.number().int().nonnegative().nullable(),
  /** Null where the row holds NULL (the column defaults to 'active', so a NULL says nothing). */
  status: z.string().nullable(),
});
export type SessionRecord = z.infer<typeof sessionRecordSchema>;

export const sessionViewSchema = sessionRecordSchema.extend({
  /** Ended sessions: end minus start. Open sessions: now minus start. */
  durationSeconds: z.number().int().nonnegative(),
});
export type SessionView = z.infer<typeof sessionViewSchema>;

export const dailyCountSchema = z.object({ date: localDateSchema, count: z.number().int().nonnegative() });
export type DailyCount = z.infer<typeof dailyCountSchema>;

export const hourlyCountSchema = z.object({ hourStart: instantSchema, count: z.number().int().nonnegative() });
export type HourlyCount = z.infer<typeof hourlyCountSchema>;

export const sessionStatsSchema = z.object({
  from: localDateSchema,
  to: localDateSchema,
  /** Readable sessions only: what the history lists. */
  totalSessions: z.number().int().nonnegative(),
  /** Rows started in the range that could not be read, left out of every figure. */
  unreadableSessions: z.number().int().nonnegative(),
  avgAgentsPerSession: z.number().nonnegative(),
  totalAgentsSpawned: z.number().int().nonnegative(),
  categoryBreakdown: z.record(z.string(), z.number().int().nonnegative()),
  statusBreakdown: z.record(z.string(), z.number().int().nonnegative()),
  /** Mean of ended sessions only; null when none in the range has ended. */
  avgDurationSeconds: z.number().nonnegative().nullable(),
  endedSessions: z.number().int().nonnegative(),
  sessionsPerDay: z.array(dailyCountSchema),
});
export type SessionStats = z.infer<typeof sessionStatsSchema>;

export const sourceNameSchema = z.enum(['postgres', 'registry', 'ollama']);
export type SourceName = z.infer<typeof sourceNameSchema>;

/**
 * - `ok`: the latest read succeeded.
 * - `stale`: the latest read failed; what is shown is the last good reading, `ageSeconds` old.
 * - `error`: the latest read failed and nothing was ever read.
 * - `no-data`: not read (not configured, or not yet).
 */
export const sourceStateSchema = z.enum(['ok', 'stale', 'error', 'no-data']);
export type SourceState = z.infer<typeof sourceStateSchema>;

export const sourceHealthSchema = z.object({
  state: sourceStateSchema,
  /** The current failure, while there is one. */
  error: z.string().optional(),
  lastOkAt: instantSchema.nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: instantSchema.nullable(),
  /** How old the values shown are, when they are not fresh. */
  ageSeconds: z.number().int().nonnegative().nullable(),
  /** Rows or registry entries that the latest read could not understand and left out. */
  dropped: z.number().int().nonnegative(),
  /** Why, for the first few of them. */
  droppedReasons: z.array(z.string()),
  /** Entries left out since the monitor started, each counted once. */
  droppedTotal: z.number().int().nonnegative(),
});
export type SourceHealth = z.infer<typeof sourceHealthSchema>;

export const memorySourceSchema = z.enum(['measured', 'estimated', 'mixed']);
export type MemorySource = z.infer<typeof memorySourceSchema>;

export const cpuLoadSchema = z.enum(['idle', 'low', 'medium', 'high']);
export type CpuLoad = z.infer<typeof cpuLoadSchema>;

/** Each figure is null while the source it comes from cannot be read. */
export const summarySchema = z.object({
  activeAgents: z.number().int().nonnegative().nullable(),
  activeSessions: z.number().int().nonnegative().nullable(),
  sessionsToday: z.number().int().nonnegative().nullable(),
  /** The agents' models (each counted once) plus their own processes, wherever the models sit. */
  memoryBytes: z.number().int().nonnegative().nullable(),
  /**
   * The part of memoryBytes in this machine's RAM: all of it where memory is unified, else all but the models' GPU
   * share.
   */
  ramBytes: z.number().int().nonnegative().nullable(),
  /** The part of the agents' models in dedicated GPU memory; null when nothing was measured. */
  vramBytes: z.number().int().nonnegative().nullable(),
  /** Whether memoryBytes comes from Ollama and the processes, from the estimate rule, or from both. */
  memorySource: memorySourceSchema.nullable(),
  /** The estimate rule alone, models counted once. */
  estimatedMemoryBytes: z.number().int().nonnegative().nullable(),
  /** The part Ollama and the processes measured; null when nothing was measured. */
  measuredMemoryBytes: z.number().int().nonnegative().nullable(),
  /** The measured part in this machine's RAM; null when nothing was measured. Alerts read this, never an estimate. */
  measuredRamBytes: z.number().int().nonnegative().nullable(),
  /** What running every ECHO agent at once would take, by the same rule as memoryBytes. */
  allAgentsMemoryBytes: z.number().int().nonnegative(),
  savingsPct: z.number().int().nullable(),
  machineRamBytes: z.number().int().nonnegative(),
  /** Memory that can be had now; null when the platform could not say. */
  freeRamBytes: z.number().int().nonnegative().nullable(),
  /** measuredRamBytes as a share of the machine's RAM; null when nothing was measured. */
  memoryPctOfRam: z.number().nonnegative().nullable(),
  /** macOS's memory pressure; null elsewhere. */
  memoryPressure: z.enum(['normal', 'warn', 'critical']).nullable(),
  /** Swap in use, where it is read (macOS, Linux); memory past freeRamBytes comes only by swapping more. */
  swapUsedBytes: z.number().int().nonnegative().nullable(),
  /** GPU memory is this RAM (Apple Silicon, NVIDIA's GB10 and Jetson, or an integrated GPU by setting). */
  unifiedMemory: z.boolean(),
  /** The GPU may share this RAM, though that could not be told for sure: MONITOR_UNIFIED_MEMORY=on may apply. */
  unifiedMemoryHint: z.boolean(),
  /**
   * Set where the machine's figures are simulated (the demo's), in words: `simulated machine: 64 GB RAM, 12 GB GPU`;
   * null on a real machine.
   */
  simulatedMachine: z.string().max(200).nullable(),
  /** Dedicated GPU memory, where it can be read (NVIDIA); null where it cannot. */
  gpuTotalBytes: z.number().int().nonnegative().nullable(),
  gpuUsedBytes: z.number().int().nonnegative().nullable(),
  /** Every model Ollama holds in memory, used or not. */
  residentModelsBytes: z.number().int().nonnegative().nullable(),
  cpuPercent: z.number().min(0).max(100).nullable(),
  cpuLoad: cpuLoadSchema.nullable(),
  /** The agents' own processes, summed as shares of one core; null when none was measured. */
  agentsCpuPercent: z.number().nonnegative().nullable(),
  /** The sources the agent list was built from this poll. */
  agentsFrom: z.array(agentOriginSchema).nullable(),
});
export type Summary = z.infer<typeof summarySchema>;

export const residentModelSchema = z.object({
  name: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  /** `ollama`: the size Ollama reports; `estimate`: it gave none (or 0), so the estimate rule stands in. */
  sizeFrom: z.enum(['ollama', 'estimate']),
  vramBytes: z.number().int().nonnegative(),
  /** The part in this machine's RAM: size − size_vram, or all of it where memory is unified. */
  ramBytes: z.number().int().nonnegative(),
  expiresAt: instantSchema.nullable(),
  /** Seconds until Ollama unloads it, when it says; null when it stays loaded (`keep_alive: -1`). */
  unloadsInSeconds: z.number().int().nonnegative().nullable(),
  /** Kept loaded for good: Ollama's "Forever", an expiry decades ahead. */
  staysLoaded: z.boolean(),
  usedBy: z.array(z.string()),
});
export type ResidentModel = z.infer<typeof residentModelSchema>;

export const warningKindSchema = z.enum([
  'session-without-agents',
  'agent-process-gone',
  'agent-heartbeat-stale',
  'session-orphaned',
  'model-unused',
  'agent-hung',
  'agent-idle',
  'agent-error',
  'memory-constrained',
  'session-dated-future',
  'agent-copies',
  'echo-roots',
  'agent-backlog',
  'decision-waiting',
  'workflow-failed',
  'workflow-paused',
]);
export type WarningKind = z.infer<typeof warningKindSchema>;

export const warningSchema = z.object({
  kind: warningKindSchema,
  message: z.string(),
  sessionId: z.string().optional(),
  role: z.string().optional(),
  model: z.string().optional(),
});
export type Warning = z.infer<typeof warningSchema>;

export const severitySchema = z.enum(['warning', 'critical']);
export type Severity = z.infer<typeof severitySchema>;

export const culpritSchema = z.object({
  kind: z.enum(['agent', 'session', 'source']),
  /** A role, a session id or a source name. */
  id: z.string(),
  label: z.string(),
  memoryBytes: z.number().int().nonnegative().optional(),
});
export type Culprit = z.infer<typeof culpritSchema>;

export const alertSchema = z.object({
  /** Stable while the condition lasts: the rule, and the source for source alerts. */
  id: z.string(),
  rule: z.string(),
  severity: severitySchema,
  since: instantSchema,
  message: z.string(),
  culprit: culpritSchema.nullable(),
  suggestedAction: z.string().nullable(),
});
export type Alert = z.infer<typeof alertSchema>;

export const receiverKindSchema = z.enum(['webhook', 'ntfy', 'slack']);
export type ReceiverKind = z.infer<typeof receiverKindSchema>;

/** One configured alert receiver as the monitor last found it: whether its notices get through, and what waits. */
export const receiverHealthSchema = z.object({
  /** Its configured name (never its URL, which may be a secret). */
  name: z.string(),
  kind: receiverKindSchema,
  /** The least severity it is sent; recoveries follow the firings it got. */
  minLevel: severitySchema,
  /** `ok` until a send fails for good or for a retry; `failing` until one gets through again. */
  state: z.enum(['ok', 'failing']),
  failingSince: instantSchema.nullable(),
  lastError: z.string().nullable(),
  lastOkAt: instantSchema.nullable(),
  /** Notices waiting to be sent, the one being tried included. */
  queued: z.number().int().nonnegative(),
  /** Since the monitor started: notices it took, and notices given up (out of tries, or pushed out of a full queue). */
  delivered: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
});
export type ReceiverHealth = z.infer<typeof receiverHealthSchema>;

/** What this machine's processes say of ECHO beyond its agents. */
export const echoMachineSchema = z.object({
  /** Every ECHO checkout with an agent or delegator of this user's running here. */
  roots: z.array(z.string()),
  /** MONITOR_AGENT_PROCESSES=<root>; null when none is set. */
  configuredRoot: z.string().nullable(),
  /** ECHO's delegators running from the roots watched. */
  delegators: z.array(echoProcessViewSchema),
  /** ECHO processes left out: another root's (one is configured), or another user's (none is). */
  otherRoots: z.number().int().nonnegative(),
  otherUsers: z.number().int().nonnegative(),
});
export type EchoMachine = z.infer<typeof echoMachineSchema>;

/** ECHO runs a few dozen agents; a list longer than this is cut, and says how many it held. */
export const AGENT_LIST_LIMIT = 200;

/**
 * One consistent reading of everything the monitor shows. Values nobody could
 * read are null, never zeros; values kept from an earlier read say so in their
 * source's health.
 */
export const snapshotSchema = z.object({
  takenAt: instantSchema,
  timeZone: z.string(),
  today: localDateSchema,
  historyDate: localDateSchema,
  sources: z.object({ postgres: sourceHealthSchema, registry: sourceHealthSchema, ollama: sourceHealthSchema }),
  summary: summarySchema,
  activeSessions: z.array(sessionViewSchema).nullable(),
  /** At most AGENT_LIST_LIMIT, in role order; `summary.activeAgents` counts them all. */
  agents: z.array(agentViewSchema).nullable(),
  /** The biggest models Ollama holds, at most a few hundred; `residentModelsTotal` counts them all. */
  residentModels: z.array(residentModelSchema).nullable(),
  residentModelsTotal: z.number().int().nonnegative().nullable(),
  forecast: admissionForecastSchema,
  history: z.array(sessionViewSchema).nullable(),
  stats: sessionStatsSchema.nullable(),
  timeline: z.array(hourlyCountSchema).nullable(),
  /** ECHO's processes on this machine beyond the agents; null when they are not looked for or could not be. */
  echo: echoMachineSchema.nullable(),
  /**
   * Whether this ECHO records its sessions: false when agents run and
   * `delegator_sessions` holds no session from the last day (ECHO at its
   * current commit keeps sessions in memory only); null when it cannot be told.
   */
  sessionsRecorded: z.boolean().nullable(),
  /** What ECHO records of its own work; null while PostgreSQL has not been read. */
  work: echoWorkSchema.nullable(),
  warnings: z.array(warningSchema),
  alerts: z.array(alertSchema),
  /** The alert receivers' health, where any is configured (`MONITOR_ALERT_RECEIVERS`) and the monitor sends to them. */
  receivers: z.array(receiverHealthSchema).optional(),
});
export type Snapshot = z.infer<typeof snapshotSchema>;
