import type { z } from 'zod';

/** `pid: expected number; spawned_at: invalid ISO datetime`, for a dropped entry's reason or a refused argument. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ');
}
