import { z } from 'zod';

/** A calendar day in the user's local time zone, `YYYY-MM-DD`. */
export const localDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((text) => {
    const [year, month, day] = text.split('-').map(Number) as [number, number, number];
    const probe = new Date(Date.UTC(year, month - 1, day));
    return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
  }, 'no such calendar date');
export type LocalDate = z.infer<typeof localDateSchema>;

/** An instant, always rendered in UTC with a trailing `Z`. */
export const instantSchema = z.iso.datetime();
export type Instant = z.infer<typeof instantSchema>;

/** One row of ECHO's `delegator_sessions`, as the monitor understands it. */
export const sessionRecordSchema = z.object({
  sessionId: z.string(),
  category: z.string(),
  description: z.string().nullable(),
  agents: z.array(z.string()),
  startedAt: instantSchema,
  endedAt: instantSchema.nullable(),
  totalAgentsSpawned: z.number().int().nonnegative(),
  tasksDelegated: z.number().int().nonnegative(),
  status: z.string(),
});
export type SessionRecord = z.infer<typeof sessionRecordSchema>;

export const sessionViewSchema = sessionRecordSchema.extend({
  /** Ended sessions: end minus start. Open sessions: now minus start. */
  durationSeconds: z.number().int().nonnegative(),
});
export type SessionView = z.infer<typeof sessionViewSchema>;

/** Where an agent was learned of: the delegator's registry, or an active session's `active_agents`. */
export const agentOriginSchema = z.enum(['registry', 'sessions']);
export type AgentOrigin = z.infer<typeof agentOriginSchema>;

export const agentRecordSchema = z.object({
  role: z.string(),
  model: z.string(),
  spawnedAt: instantSchema.nullable(),
  sessionId: z.string().nullable(),
  pid: z.number().int().positive().nullable(),
  host: z.string().nullable(),
  status: z.string().nullable(),
  lastHeartbeat: instantSchema.nullable(),
  origin: agentOriginSchema,
});
export type AgentRecord = z.infer<typeof agentRecordSchema>;

export const agentViewSchema = agentRecordSchema.extend({
  memoryGb: z.number().nonnegative(),
  uptimeSeconds: z.number().int().nonnegative().nullable(),
});
export type AgentView = z.infer<typeof agentViewSchema>;

export const dailyCountSchema = z.object({ date: localDateSchema, count: z.number().int().nonnegative() });
export type DailyCount = z.infer<typeof dailyCountSchema>;

export const hourlyCountSchema = z.object({ hourStart: instantSchema, count: z.number().int().nonnegative() });
export type HourlyCount = z.infer<typeof hourlyCountSchema>;

export const sessionStatsSchema = z.object({
  from: localDateSchema,
  to: localDateSchema,
  totalSessions: z.number().int().nonnegative(),
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

export const sourceNameSchema = z.enum(['postgres', 'registry']);
export type SourceName = z.infer<typeof sourceNameSchema>;

export const sourceHealthSchema = z.object({
  state: z.enum(['ok', 'error']),
  error: z.string().optional(),
  /** Rows or registry entries that could not be read and were left out. */
  dropped: z.number().int().nonnegative(),
  droppedReasons: z.array(z.string()),
  /** For the registry: where the agents shown came from. */
  agentsFrom: agentOriginSchema.optional(),
});
export type SourceHealth = z.infer<typeof sourceHealthSchema>;

/** Each figure is null while the source it comes from cannot be read. */
export const summarySchema = z.object({
  activeAgents: z.number().int().nonnegative().nullable(),
  activeSessions: z.number().int().nonnegative().nullable(),
  sessionsToday: z.number().int().nonnegative().nullable(),
  /** Estimated; a model that serves several agents counts once. */
  memoryGb: z.number().nonnegative().nullable(),
});
export type Summary = z.infer<typeof summarySchema>;

/**
 * One consistent reading of everything the monitor shows. Values from a source
 * that failed are null, never zeros: nothing is known about them.
 */
export const snapshotSchema = z.object({
  takenAt: instantSchema,
  timeZone: z.string(),
  today: localDateSchema,
  historyDate: localDateSchema,
  sources: z.object({ postgres: sourceHealthSchema, registry: sourceHealthSchema }),
  summary: summarySchema,
  activeSessions: z.array(sessionViewSchema).nullable(),
  agents: z.array(agentViewSchema).nullable(),
  history: z.array(sessionViewSchema).nullable(),
  stats: sessionStatsSchema.nullable(),
  timeline: z.array(hourlyCountSchema).nullable(),
});
export type Snapshot = z.infer<typeof snapshotSchema>;
