import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MonitorConfig } from '../config';
import { createMonitor } from '../createMonitor';
import { createMonitorQueries } from '../monitorQueries';
import { withConfigOrDemo } from '../demo/withDemo';
import { eventsInMemory } from '../export/eventEntries';
import { openExportSources } from '../export/openExportSources';
import { isLoopbackName } from '../web/hostCheck';
import { createWebServer } from '../web/webServer';
import { EXIT, type ExitCode } from './exitCodes';
import type { CliIo } from './output';
import { stateDir } from './stateDir';

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  readonly demo: boolean;
}

/** The built dashboard, as `npm run build` leaves it. */
export const RENDERER_DIR = fileURLToPath(new URL('../../../out/renderer', import.meta.url));


/** The dashboard and its API for a browser, until SIGINT or SIGTERM. Without a configuration, of the demo. */
export function serveCommand(config: MonitorConfig | null, options: ServeOptions, io: CliIo): Promise<ExitCode> {
  const demo = { dataDir: null, onProblem: (message: string) => { io.err(`demo: ${message}\n`); } };
  return withConfigOrDemo(config, demo, (effective) => serve(effective, options, io, config === null));
}

async function serve(config: MonitorConfig, options: ServeOptions, io: CliIo, isDemo: boolean): Promise<ExitCode> {
  const running = createMonitor(config, {
    timeZone: io.timeZone,
    // The demo's history would only mislead a real run later: it is kept in memory.
    defaultDataDir: isDemo ? null : stateDir(io.env),
    onProblem: (message) => { io.err(`monitor: ${message}\n`); },
  });
  // Downloads offer the events the dashboard shows: the monitor's log as it holds it now.
  const exports = openExportSources(config, { timeZone: io.timeZone, events: () => eventsInMemory(running.monitor.events()) });
  const token = randomBytes(24).toString('base64url');
  const web = createWebServer({
    monitor: running.monitor,
    queries: createMonitorQueries(running),
    token,
    boundHost: options.host,
    rendererDir: existsSync(join(RENDERER_DIR, 'index.html')) ? RENDERER_DIR : null,
    exports: exports.sources,
  });
  try {
    await running.monitor.start();
    await new Promise<void>((resolve, reject) => {
      web.server.once('error', reject);
      web.server.listen(options.port, options.host, () => {
        web.server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    web.detach();
    await Promise.all([running.close(), exports.close()]);
    throw error;
  }
  const address = web.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const shown = options.host.includes(':') ? `[${options.host}]` : options.host;
  io.out(`Delegator Monitor${isDemo ? ' (demo)' : ''} on http://${shown}:${port}/\n`);
  io.out(`Command token for this launch: ${token}\n`);
  if (!isLoopbackName(options.host)) io.err(`Listening on ${options.host}: anyone who can reach it can read the dashboard.\n`);
  const signal = await io.untilStopped();
  io.out(`${signal}: shutting down.\n`);
  web.detach();
  await new Promise<void>((resolve) => {
    web.server.close(() => {
      resolve();
    });
    web.server.closeAllConnections();
  });
  await Promise.all([running.close(), exports.close()]);
  return EXIT.ok;
}
