import { z } from 'zod';
import { LOG_LEVELS } from '../core/logger';

/*
 * What the demo's database thread and the thread that started it say to each
 * other. The database itself is reached only over PostgreSQL's protocol, on
 * the loopback address the thread reports; these messages start and stop it,
 * and carry its log lines and failures. Both sides parse what they receive:
 * a message of another shape is a fault, said as one, never acted on.
 */

const count = z.number().int().nonnegative();

/** What the thread is started with: where the database lives (null keeps it in memory), and the history it holds. */
export const databaseWorkerDataSchema = z.object({
  dataDir: z.string().min(1).nullable(),
  history: z.object({ seed: z.number().int(), days: count, now: z.number().int().positive() }),
});
export type DatabaseWorkerData = z.infer<typeof databaseWorkerDataSchema>;

/**
 * From the thread: a log line; once ready, the address it serves and what the history added; why it failed; and that it
 * stopped cleanly.
 */
export const databaseWorkerMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('log'), level: z.enum(LOG_LEVELS), message: z.string() }),
  z.object({
    kind: z.literal('ready'),
    address: z.string().regex(/^127\.0\.0\.1:\d{1,5}$/),
    backfilled: count,
    backfilledMessages: count,
  }),
  z.object({ kind: z.literal('failed'), message: z.string() }),
  z.object({ kind: z.literal('stopped') }),
]);
export type DatabaseWorkerMessage = z.infer<typeof databaseWorkerMessageSchema>;

/** To the thread: stop serving and close the database. */
export const databaseHostMessageSchema = z.object({ kind: z.literal('stop') });
export type DatabaseHostMessage = z.infer<typeof databaseHostMessageSchema>;
