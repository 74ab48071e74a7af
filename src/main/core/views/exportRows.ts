import type { SessionRecord } from '../../../shared/model';
import type { MonitorEvent } from '../../../shared/monitorEvent';
import { csvRecord, type CsvCell } from './csv';
import { localIsoString } from '../localTime';

/**
 * What an export writes for one session or event. Both formats use the same
 * snake_case names, in the same order, so a CSV header and a JSON key mean the
 * same thing. Times are ISO 8601 in the user's zone with its offset at that
 * instant; what nobody recorded is null (an empty CSV field).
 */
export type ExportValue = string | number | readonly string[] | null;

export const SESSION_EXPORT_COLUMNS = [
  'session_id',
  'task_category',
  'task_description',
  'status',
  'active_agents',
  'total_agents_spawned',
  'tasks_delegated',
  'started_at',
  'ended_at',
  'duration_seconds',
] as const;

export const EVENT_EXPORT_COLUMNS = ['at', 'type', 'origin', 'message', 'role', 'session_id', 'model', 'id'] as const;

export type SessionExportRow = Record<(typeof SESSION_EXPORT_COLUMNS)[number], ExportValue>;
export type EventExportRow = Record<(typeof EVENT_EXPORT_COLUMNS)[number], ExportValue>;

/** A session as exported. Duration is that of a finished session; one still running has none yet. */
export function sessionExportRow(session: SessionRecord, timeZone: string): SessionExportRow {
  const started = Date.parse(session.startedAt);
  const ended = session.endedAt === null ? null : Date.parse(session.endedAt);
  return {
    session_id: session.sessionId,
    task_category: session.category,
    task_description: session.description,
    status: session.status,
    active_agents: session.agents,
    total_agents_spawned: session.totalAgentsSpawned,
    tasks_delegated: session.tasksDelegated,
    started_at: localIsoString(started, timeZone),
    ended_at: ended === null ? null : localIsoString(ended, timeZone),
    duration_seconds: ended === null ? null : Math.round((ended - started) / 1000),
  };
}

export function eventExportRow(event: MonitorEvent, timeZone: string): EventExportRow {
  return {
    at: localIsoString(Date.parse(event.at), timeZone),
    type: event.type,
    origin: event.origin,
    message: event.message,
    role: event.role ?? null,
    session_id: event.sessionId ?? null,
    model: event.model ?? null,
    id: event.id,
  };
}

/**
 * A list in one CSV cell: roles joined with `;`. Roles are identifiers such as
 * `senior_developer`, so the separator never appears inside one; the JSON
 * format carries the list as an array.
 */
export const CSV_LIST_SEPARATOR = ';';

function csvCell(value: ExportValue): CsvCell {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  return value.join(CSV_LIST_SEPARATOR);
}

/** Turns rows into text a piece at a time: the head, any number of batches, then the tail. */
export interface ExportEncoder {
  readonly head: string;
  encode(rows: readonly Readonly<Record<string, ExportValue>>[]): string;
  tail(): string;
}

export function csvEncoder(columns: readonly string[]): ExportEncoder {
  return {
    head: csvRecord(columns),
    encode: (rows) => rows.map((row) => csvRecord(columns.map((column) => csvCell(row[column] ?? null)))).join(''),
    tail: () => '',
  };
}

/**
 * A JSON array, one element per line, valid as a whole once the tail is
 * written. Each element is built from the column list, so keys keep the
 * CSV's order and a missing value is null, never absent.
 */
export function jsonEncoder(columns: readonly string[]): ExportEncoder {
  let written = 0;
  return {
    head: '[',
    encode(rows) {
      let text = '';
      for (const row of rows) {
        const element = Object.fromEntries(columns.map((column) => [column, row[column] ?? null]));
        text += `${written === 0 ? '\n' : ',\n'}${JSON.stringify(element)}`;
        written += 1;
      }
      return text;
    },
    tail: () => (written === 0 ? ']\n' : '\n]\n'),
  };
}
