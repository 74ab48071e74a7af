import { z } from 'zod';
import { localDateSchema } from './model';

/**
 * The operations' arguments and answers that no model file holds. Apart from
 * api.ts, which re-exports them, so that the operations table can use them
 * and api.ts can use the table.
 */

export const historyQuerySchema = z.object({ date: localDateSchema });
export const statsQuerySchema = z
  .object({ from: localDateSchema, to: localDateSchema })
  .refine((range) => range.from <= range.to, 'from must not be after to')
  // Both ends count: 366 days run from `from` to 365 days later.
  .refine((range) => Date.parse(range.to) - Date.parse(range.from) < 366 * 86_400_000, 'at most 366 days at a time');
/** What an export writes, and the two formats it writes in. */
export const EXPORT_KINDS = ['sessions', 'events'] as const;
export const EXPORT_FORMATS = ['csv', 'json'] as const;
/** One export: the local days from `from` to `to`, both included. No length limit: exports stream. */
export const exportQuerySchema = z
  .object({
    from: localDateSchema,
    to: localDateSchema,
    format: z.enum(EXPORT_FORMATS, { message: `expected one of ${EXPORT_FORMATS.join(', ')}` }).default('csv'),
    what: z.enum(EXPORT_KINDS, { message: `expected one of ${EXPORT_KINDS.join(', ')}` }).default('sessions'),
  })
  .refine((range) => range.from <= range.to, 'from must not be after to');
export type ExportQuery = z.infer<typeof exportQuerySchema>;
export const exportOutcomeSchema = z.object({
  status: z.enum(['saved', 'downloading', 'cancelled']),
  /** "Wrote 1,204 sessions to …", for the user. */
  message: z.string(),
});
export type ExportOutcome = z.infer<typeof exportOutcomeSchema>;
export const snoozeRequestSchema = z.object({ until: z.iso.datetime({ offset: true }) }).strict();
export const snoozeStateSchema = z.object({ snoozedUntil: z.iso.datetime().nullable() });
