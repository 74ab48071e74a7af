import { join } from 'node:path';
import { app, BrowserWindow } from 'electron';
import { createDashboardWindow } from './app/dashboardWindow';
import { systemTimeZone } from './core/localTime';
import { errorText } from './core/errorText';
import { startHostMonitor, type HostMonitor } from './hostMonitor';

const outDir = join(import.meta.dirname, '..');
const demo = process.argv.includes('--demo');
let monitor: HostMonitor | null = null;

function setupDashboard(): void {
  createDashboardWindow({ outDir, devServerUrl: process.env.ELECTRON_RENDERER_URL });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createDashboardWindow({ outDir, devServerUrl: process.env.ELECTRON_RENDERER_URL });
  });
}

async function setupMonitor(): Promise<void> {
  try {
    monitor = await startHostMonitor({
      demo,
      dataDir: app.getPath('userData'),
      env: process.env,
      timeZone: systemTimeZone(),
      onProblem: (message) => {
        console.error(`monitor: ${message}`);
      },
    });
  } catch (error) {
    console.error(`The monitor could not start: ${errorText(error)}`);
  }
}

function setupShutdown(): void {
  let stopping = false;
  app.on('before-quit', (event) => {
    if (stopping || monitor === null) return;
    stopping = true;
    event.preventDefault();
    void monitor.stop().finally(() => {
      monitor = null;
      app.quit();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

void app.whenReady().then(async () => {
  setupShutdown();
  setupDashboard();
  await setupMonitor();
});
