import type { Reading } from '../core/readings';

/** A value read from a source, with what had to be left out of it. */
export interface Screened<T> {
  readonly value: T;
  /** One line per left-out row or entry, naming it and what was wrong. */
  readonly dropped: readonly string[];
}

/** A file that is not there: for a log or a list, simply nothing written yet. */
export function isMissingFile(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/**
 * Runs one read of a source; a failure becomes a reading that says why, never
 * an exception. The deadline is a last bound over the drivers' own timeouts,
 * so no poll can wait forever on a client that never settles.
 */
export async function attempt<T>(
  read: () => Promise<Screened<T>>,
  describe: (error: unknown) => string,
  deadlineMs: number,
): Promise<Reading<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${deadlineMs} ms`));
    }, deadlineMs);
  });
  try {
    const { value, dropped } = await Promise.race([read(), deadline]);
    return { ok: true, value, dropped };
  } catch (error) {
    return { ok: false, error: describe(error) };
  } finally {
    clearTimeout(timer);
  }
}
