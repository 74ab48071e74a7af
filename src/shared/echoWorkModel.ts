import { z } from 'zod';
import { instantSchema } from './instant';
import { localDateSchema } from './localDate';

/** What ECHO records of its own work (`messages`, `decisions`, `llm_sessions`, workflows), as the views show it. */

export const messageViewSchema = z.object({
  id: z.number().int(),
  from: z.string(),
  to: z.string(),
  type: z.string(),
  subject: z.string(),
  at: instantSchema,
  ageSeconds: z.number().int().nonnegative(),
});
export type MessageView = z.infer<typeof messageViewSchema>;

export const agentWorkSchema = z.object({
  role: z.string(),
  tasksToday: z.number().int().nonnegative(),
  tasksLastHour: z.number().int().nonnegative(),
  /** Messages to it still unread. */
  backlog: z.number().int().nonnegative(),
  /** The oldest waiting, first; a few. */
  waiting: z.array(messageViewSchema),
  failures: z.array(messageViewSchema.extend({ error: z.string() })),
  failuresTotal: z.number().int().nonnegative(),
  lastSent: messageViewSchema.nullable(),
  llm: z
    .object({
      lastQueryAt: instantSchema,
      turnsToday: z.number().int().nonnegative(),
      tokensToday: z.number().int().nonnegative(),
      /**
       * ECHO sends no keep_alive: Ollama unloads a model 5 minutes after its
       * last request. Seconds until then if the agent stays quiet; 0 once past.
       */
      quietUnloadInSeconds: z.number().int().nonnegative(),
    })
    .nullable(),
});
export type AgentWork = z.infer<typeof agentWorkSchema>;

export const decisionViewSchema = z.object({
  id: z.string(),
  type: z.string(),
  initiator: z.string(),
  participants: z.array(z.string()),
  mode: z.string(),
  status: z.string(),
  votes: z.number().int().nonnegative(),
  insertedAt: instantSchema,
  ageSeconds: z.number().int().nonnegative(),
});
export type DecisionView = z.infer<typeof decisionViewSchema>;

export const workflowViewSchema = z.object({
  kind: z.enum(['workflow', 'flow']),
  id: z.string(),
  name: z.string(),
  status: z.string(),
  pauseReason: z.string().nullable(),
  error: z.string().nullable(),
  insertedAt: instantSchema,
  /** Since its last update: how long it has been paused, say. */
  idleSeconds: z.number().int().nonnegative(),
});
export type WorkflowView = z.infer<typeof workflowViewSchema>;

export const echoWorkSchema = z.object({
  tables: z.object({
    messages: z.boolean(),
    decisions: z.boolean(),
    llmSessions: z.boolean(),
    workflows: z.boolean(),
    flows: z.boolean(),
  }),
  agents: z.array(agentWorkSchema),
  openDecisions: z.array(decisionViewSchema),
  openDecisionsTotal: z.number().int().nonnegative(),
  workflows: z.array(workflowViewSchema),
  workflowsTotal: z.number().int().nonnegative(),
  /** The newest messages of all, newest first (at most 5): the latest ECHO's channels carried. */
  latestMessages: z.array(messageViewSchema),
  tasksPerDay: z.array(z.object({ date: localDateSchema, count: z.number().int().nonnegative() })),
});
export type EchoWork = z.infer<typeof echoWorkSchema>;
