import { z } from 'zod';

/** A command to the delegator on `<prefix>commands` (DESIGN §3). */
export const delegatorCommandSchema = z.object({
  id: z.string().min(1),
  type: z.enum(['end_session', 'stop_agent']),
  session_id: z.string().min(1).optional(),
  role: z.string().min(1).optional(),
  at: z.iso.datetime({ offset: true }),
});
export type DelegatorCommand = z.infer<typeof delegatorCommandSchema>;

const delegatorRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('end_session'), sessionId: z.string().min(1).max(255) }).strict(),
  /** `pid` picks one copy where the role runs more than once on this machine. */
  z
    .object({
      type: z.literal('stop_agent'),
      role: z.string().min(1).max(255),
      pid: z.number().int().positive().optional(),
    })
    .strict(),
]);
/** A request the delegator answers, over Redis. */
export type DelegatorRequest = z.infer<typeof delegatorRequestSchema>;

/** What a user asks for; the monitor adds the id and the time. Unloading a model goes to Ollama, not the delegator. */
export const commandRequestSchema = z.discriminatedUnion('type', [
  ...delegatorRequestSchema.options,
  z.object({ type: z.literal('unload_model'), model: z.string().min(1).max(255) }).strict(),
]);
export type CommandRequest = z.infer<typeof commandRequestSchema>;

/**
 * Why a command did not happen: the delegator (or Ollama) refused it, nobody
 * answered in time, or it could not be sent at all (a source down, nobody listening).
 */
export const COMMAND_FAILURES = ['refused', 'no_answer', 'not_sent'] as const;
export type CommandFailure = (typeof COMMAND_FAILURES)[number];

export const commandOutcomeSchema = z.object({
  ok: z.boolean(),
  id: z.string(),
  /** The delegator's reason, "no answer", or why the command could not be sent. */
  error: z.string().optional(),
  failure: z.enum(COMMAND_FAILURES).optional(),
});
export type CommandOutcome = z.infer<typeof commandOutcomeSchema>;
