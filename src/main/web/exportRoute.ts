import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ExportQuery } from '../../shared/apiSchemas';
import type { ExportSources } from '../export/exportChunks';
import { SourceDown } from '../export/exportErrors';
import { EXPORT_CONTENT_TYPES, exportFileName } from '../export/exportFile';
import { exportTo } from '../export/exportTo';
import { Unavailable } from '../monitor/unavailable';

/** Sent after the body: rows that could not be read and were left out of the file. */
export const LEFT_OUT_TRAILER = 'x-export-left-out';

/**
 * Streams one export as a download. The status and headers go out with the
 * first chunk, which comes only once the source has answered, so a database
 * that is down still gets a 503 with the reason. A failure after that cannot
 * change the status any more: the connection is cut, so the client sees an
 * incomplete transfer rather than a file that looks whole.
 */
export async function sendExport(
  response: ServerResponse,
  query: ExportQuery,
  sources: ExportSources | null,
  headers: OutgoingHttpHeaders,
): Promise<void> {
  if (sources === null) throw new Unavailable('exports are not available from this host');
  // An object, not a variable: the flag is set inside a callback, which narrowing cannot see.
  const progress = { started: false };
  try {
    const summary = await exportTo(response, query, sources, {
      beforeFirstChunk: () => {
        progress.started = true;
        response.writeHead(200, {
          ...headers,
          'content-type': EXPORT_CONTENT_TYPES[query.format],
          'content-disposition': `attachment; filename="${exportFileName(query)}"`,
          'cache-control': 'no-store',
          trailer: LEFT_OUT_TRAILER,
        });
      },
    });
    response.addTrailers({ [LEFT_OUT_TRAILER]: String(summary.leftOut) });
    response.end();
  } catch (error) {
    if (!progress.started) throw error instanceof SourceDown ? new Unavailable(error.message) : error;
    response.destroy();
  }
}
