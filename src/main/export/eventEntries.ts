import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { monitorEventSchema, type MonitorEvent } from '../../shared/monitorEvent';
import { isMissingFile } from '../sources/screening';
import { readJsonLine } from '../../shared/jsonLine';
import { SourceDown } from './exportErrors';

/** One entry of the event log: an event, or why a line could not be read as one. */
export type EventEntry =
  { readonly ok: true; readonly event: MonitorEvent } | { readonly ok: false; readonly reason: string };

/** The event log's file name in a monitor's data directory: createMonitor writes it, exports read it. */
export const EVENT_LOG_FILE = 'event-log.jsonl';

/**
 * The event log as the monitor wrote it (JSON lines, oldest first), read a
 * line at a time. No file means no events yet; a line that fails the event
 * schema is left out with its line number, as when the monitor loads it.
 */
export async function* eventLogEntries(path: string): AsyncGenerator<EventEntry> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const line of lines) {
      number += 1;
      if (line.trim() === '') continue;
      const read = readJsonLine(monitorEventSchema, line, path, number);
      yield read.ok ? { ok: true, event: read.value } : read;
    }
  } catch (error) {
    if (isMissingFile(error)) return;
    throw new SourceDown(`event log ${path}`, error);
  } finally {
    // Also when the export stops early: closing the interface alone leaves the file open.
    lines.close();
    input.destroy();
  }
}

/** The events a running monitor holds in memory, as entries. */
export function eventsInMemory(events: readonly MonitorEvent[]): EventEntry[] {
  return events.map((event) => ({ ok: true, event }));
}
