import type { ExportQuery } from '../../shared/apiSchemas';

export const EXPORT_CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
} as const;

/** `delegator-sessions-2026-11-01-to-2026-11-24.csv`: what was exported, and which local days. */
export function exportFileName(query: Pick<ExportQuery, 'what' | 'from' | 'to' | 'format'>): string {
  return `delegator-${query.what}-${query.from}-to-${query.to}.${query.format}`;
}
