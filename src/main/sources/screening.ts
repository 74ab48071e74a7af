import type { z } from 'zod';
import type { Reading } from '../core/readings';

/** A value read from a source, with what had to be left out of it. */
export interface Screened<T> {
  readonly value: T;
  /** One line per left-out row or entry, naming it and what was wrong. */
  readonly dropped: readonly string[];
}

/** `pid: expected number; spawned_at: invalid ISO datetime`, for a dropped entry's reason. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ');
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Runs one read of a source; a failure becomes a reading that says why, never an exception. */
export async function attempt<T>(read: () => Promise<Screened<T>>, describe: (error: unknown) => string): Promise<Reading<T>> {
  try {
    const { value, dropped } = await read();
    return { ok: true, value, dropped };
  } catch (error) {
    return { ok: false, error: describe(error) };
  }
}
