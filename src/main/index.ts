import { join } from 'node:path';
import { app, BrowserWindow } from 'electron';
import { createDashboardWindow } from './app/dashboardWindow';

const outDir = join(import.meta.dirname, '..');

function setupDashboard(): void {
  createDashboardWindow({ outDir, devServerUrl: process.env.ELECTRON_RENDERER_URL });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createDashboardWindow({ outDir, devServerUrl: process.env.ELECTRON_RENDERER_URL });
  });
}

void app.whenReady().then(() => {
  setupDashboard();
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
