import type { ExportQuery } from '../../shared/apiSchemas';
import { escapeControls } from '../../shared/terminalText';
import type { ExportSummary } from './exportTo';

/** `1 session`, `1,204 sessions`. */
function countOf(n: number, plural: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? plural.replace(/s$/, '') : plural}`;
}

/**
 * `Wrote 1,204 sessions to FILE`, for the command line and the desktop app
 * alike. The path and the reasons are escaped (`escapeControls`): a reason
 * quotes a row's session id, which anyone who writes sessions chooses.
 */
export function wroteText(summary: ExportSummary, what: ExportQuery['what'], path: string): string {
  return `Wrote ${countOf(summary.written, what)} to ${escapeControls(path)}`;
}

/** `2 rows left out: session a: …; session b: …; and 3 more`, or null when every row was written. */
export function leftOutText(summary: ExportSummary): string | null {
  if (summary.leftOut === 0) return null;
  const more = summary.leftOut - summary.reasons.length;
  const reasons = [...summary.reasons.map(escapeControls), ...(more > 0 ? [`and ${String(more)} more`] : [])].join(
    '; ',
  );
  return `${countOf(summary.leftOut, 'rows')} left out: ${reasons}`;
}
