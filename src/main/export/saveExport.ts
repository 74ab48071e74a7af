import type { ExportOutcome, ExportQuery } from '../../shared/api';
import { exportFileName } from './exportFile';
import type { OpenedExportSources } from './openExportSources';
import { leftOutText, wroteText } from './exportReport';
import { exportToFile } from './exportToFile';

export interface SaveExportHost {
  /** Asks where to save, offering a name; null when the user cancels. */
  choosePath(suggestedName: string): Promise<string | null>;
  /** What the export reads; null while no monitor runs. */
  openSources(): OpenedExportSources | null;
}

/**
 * An export the desktop app saves: where the user says, written beside and
 * renamed into place, from connections of its own that close when it is done.
 */
export function saveExport(host: SaveExportHost): (query: ExportQuery) => Promise<ExportOutcome> {
  return async (query) => {
    const path = await host.choosePath(exportFileName(query));
    if (path === null) return { status: 'cancelled', message: 'Export cancelled' };
    const opened = host.openSources();
    if (opened === null) throw new Error('nothing to export from: the monitor is not running');
    try {
      const summary = await exportToFile(path, query, opened.sources);
      const leftOut = leftOutText(summary);
      return { status: 'saved', message: `${wroteText(summary, query.what, path)}${leftOut === null ? '' : ` (${leftOut})`}` };
    } finally {
      await opened.close();
    }
  };
}
