import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { ExportQuery } from '../../shared/apiSchemas';
import { escapeControls } from '../../shared/terminalText';
import type { MonitorConfig } from '../config';
import { withConfigOrDemo } from '../demo/withDemo';
import { EVENT_LOG_FILE, eventLogEntries } from '../export/eventEntries';
import { DestinationFailed, SourceDown } from '../export/exportErrors';
import { leftOutText, wroteText } from '../export/exportReport';
import { exportTo } from '../export/exportTo';
import { exportToFile } from '../export/exportToFile';
import { openExportSources } from '../export/openExportSources';
import { EXIT, type ExitCode } from './exitCodes';
import type { CliIo } from './output';
import { stateDir } from './stateDir';

export interface ExportOptions {
  readonly query: ExportQuery;
  /** A file to write; null or `-` writes to standard output. */
  readonly out: string | null;
  readonly demo: boolean;
}

/**
 * Said beside the demo's empty events export: its events live in `serve --demo`'s memory, and its dashboard exports
 * them.
 */
export const DEMO_HAS_NO_EVENT_LOG =
  "export: the demo keeps no event log on disk, so there are no events to export here; `serve --demo` holds its events while it runs, and its dashboard's Export gives them.";

/** Sessions or events of a range of local days, as CSV or JSON. Without a configuration, of the demo. */
export function exportCommand(config: MonitorConfig | null, options: ExportOptions, io: CliIo): Promise<ExitCode> {
  return withConfigOrDemo(config, { dataDir: null }, (effective) => {
    // `serve` keeps its event log here; the demo keeps its own in memory only, so it has none to export.
    const eventLog = config === null ? null : join(effective.dataDir ?? stateDir(io.env), EVENT_LOG_FILE);
    // An empty file alone would read as "nothing happened".
    if (eventLog === null && options.query.what === 'events') io.err(`${DEMO_HAS_NO_EVENT_LOG}\n`);
    return exportFrom(effective, eventLog, options, io);
  });
}

async function exportFrom(
  config: MonitorConfig,
  eventLog: string | null,
  options: ExportOptions,
  io: CliIo,
): Promise<ExitCode> {
  // `-` is standard output, as for most tools; a file of that name is `./-`.
  const out = options.out === '-' ? null : options.out;
  const opened = openExportSources(config, {
    timeZone: io.timeZone,
    events: () => (eventLog === null ? [] : eventLogEntries(eventLog)),
  });
  try {
    const summary =
      out === null
        ? await exportTo(standardOutput(io), options.query, opened.sources)
        : await exportToFile(out, options.query, opened.sources);
    const leftOut = leftOutText(summary);
    if (leftOut !== null) io.err(`${leftOut}\n`);
    if (out !== null) io.err(`${wroteText(summary, options.query.what, out)}.\n`);
    return EXIT.ok;
  } catch (error) {
    // Both messages may quote a server's answer or a file name: text from outside.
    if (error instanceof SourceDown) {
      io.err(`export: ${escapeControls(error.message)}\n`);
      return EXIT.critical;
    }
    if (error instanceof DestinationFailed) {
      // `export ... | head` closing the pipe got what it asked for; that is no failure.
      if (out === null && isBrokenPipe(error.cause)) return EXIT.ok;
      io.err(
        `export: cannot write ${out === null ? 'to standard output' : escapeControls(out)}: ${escapeControls(error.message)}\n`,
      );
      return EXIT.unknown;
    }
    throw error;
  } finally {
    await opened.close();
  }
}

/**
 * The process's stdout where there is one, so a slow reader holds the export back; else `io.out`, for tests in-process.
 */
function standardOutput(io: CliIo): Writable {
  if (io.stdout) return io.stdout;
  return new Writable({
    decodeStrings: false,
    write(chunk: unknown, _encoding, done) {
      io.out(String(chunk));
      done();
    },
  });
}

function isBrokenPipe(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EPIPE';
}
