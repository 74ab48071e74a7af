import { join } from 'node:path';
import { app, dialog, type BrowserWindow } from 'electron';

/** The platform's save dialog, in the user's Downloads folder, attached to the dashboard window. */
export async function chooseExportPath(window: BrowserWindow | null, suggestedName: string): Promise<string | null> {
  const options = {
    defaultPath: join(app.getPath('downloads'), suggestedName),
    properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const],
  };
  const { canceled, filePath } = window
    ? await dialog.showSaveDialog(window, options)
    : await dialog.showSaveDialog(options);
  return canceled || !filePath ? null : filePath;
}
