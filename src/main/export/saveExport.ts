import type { ExportOutcome, ExportQuery } from '../../shared/apiSchemas';
import type { ExportSources } from './exportChunks';
import { exportFileName } from './exportFile';
import { leftOutText, wroteText } from './exportReport';
import { exportToFile } from './exportToFile';

export interface SaveExportHost {
  /** Asks where to save, offering a name; null when the user cancels. */
  choosePath(suggestedName: string): Promise<string | null>;
  /** What the export reads (the running monitor's export pool); null while no monitor runs. */
  sources(): ExportSources | null;
}

/** An export the desktop app saves: where the user says, written beside and renamed into place. */
export function saveExport(host: SaveExportHost): (query: ExportQuery) => Promise<ExportOutcome> {
  return async (query) => {
    const path = await host.choosePath(exportFileName(query));
    if (path === null) return { status: 'cancelled', message: 'Export cancelled' };
    const sources = host.sources();
    if (sources === null) throw new Error('nothing to export from: the monitor is not running');
    const summary = await exportToFile(path, query, sources);
    const leftOut = leftOutText(summary);
    return {
      status: 'saved',
      message: `${wroteText(summary, query.what, path)}${leftOut === null ? '' : ` (${leftOut})`}`,
    };
  };
}
