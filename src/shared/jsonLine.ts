import type { z } from 'zod';
import { describeIssues } from './zodIssues';

/** JSON text as a value, or a plain "not JSON" without the parser's exception. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** One line of a JSON-lines file read against its schema, or why not, naming the file and the line. */
export function readJsonLine<T>(
  schema: z.ZodType<T>,
  line: string,
  path: string,
  lineNumber: number,
): { ok: true; value: T } | { ok: false; reason: string } {
  const json = parseJson(line);
  const parsed = json.ok ? schema.safeParse(json.value) : null;
  if (parsed?.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    reason: `${path} line ${String(lineNumber)}: ${parsed ? describeIssues(parsed.error) : 'not JSON'}`,
  };
}
