import { z } from 'zod';

/**
 * The days the monitor can ask about: from the Unix epoch to the day before
 * the last four-digit year ends, since every local day needs the day after it
 * (its end) to be a date too, in any zone.
 */
export const LOCAL_DATE_RANGE = { min: '1970-01-01', max: '9999-12-30' } as const;

/** A calendar day in the user's local time zone, `YYYY-MM-DD`. */
export const localDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .superRefine((text, context) => {
    if (text < LOCAL_DATE_RANGE.min || text > LOCAL_DATE_RANGE.max) {
      context.addIssue({
        code: 'custom',
        message: `out of the supported range, ${LOCAL_DATE_RANGE.min} to ${LOCAL_DATE_RANGE.max}`,
      });
      return;
    }
    const [year, month, day] = text.split('-').map(Number) as [number, number, number];
    const probe = new Date(Date.UTC(year, month - 1, day));
    if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
      context.addIssue({ code: 'custom', message: 'no such calendar date' });
    }
  });
export type LocalDate = z.infer<typeof localDateSchema>;

/** A `YYYY-MM-DD` calendar date's parts; the date says nothing of a time zone. */
export function parseLocalDate(date: LocalDate): { year: number; month: number; day: number } {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return { year, month, day };
}

/** The calendar date `days` after (or before) `date`. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = parseLocalDate(date);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}
