import { z } from 'zod';

/** An instant, always rendered in UTC with a trailing `Z`. */
export const instantSchema = z.iso.datetime();
export type Instant = z.infer<typeof instantSchema>;
