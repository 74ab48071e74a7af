import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { escapeControls } from '../../shared/terminalText';
import { ConfigError, type MonitorConfig } from '../config';
import { startMonitorService } from '../monitor/monitorService';
import { isLoopbackName } from '../web/hostCheck';
import { packageRoot } from '../web/packageRoot';
import { createWebServer } from '../web/webServer';
import { accessTokenFrom } from './accessTokenSetting';
import { loadControlKey } from './controlKeyFile';
import { keepControlsAddress } from './controlsAddress';
import { EXIT, type ExitCode } from './exitCodes';
import type { CliIo } from './output';
import { stateDir } from './stateDir';
import { commandLog } from './stderrLog';

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  readonly demo: boolean;
}

/** The built dashboard, as `npm run build` leaves it, found from the sources and the built command line alike. */
export const RENDERER_DIR = join(packageRoot()?.root ?? process.cwd(), 'out', 'renderer');

/** The dashboard and its API for a browser, until SIGINT or SIGTERM. Without a configuration, of the demo. */
export async function serveCommand(config: MonitorConfig | null, options: ServeOptions, io: CliIo): Promise<ExitCode> {
  const isDemo = config === null;
  const accessToken = accessTokenFrom(io.env);
  // Read once; the programs the monitor runs (pidusage's ps and wmic among them, which take the whole environment)
  // never see it.
  delete process.env.MONITOR_API_TOKEN;
  const control = loadControlKey(io.env);
  const remoteControls = io.env.MONITOR_REMOTE_CONTROLS === 'on';
  if (accessToken === null && !isLoopbackName(options.host)) {
    throw new ConfigError(
      `serve --host ${escapeControls(options.host)} listens beyond this machine: set MONITOR_API_TOKEN_FILE (or MONITOR_API_TOKEN) to a token that other machines must send (docs/fleet.md)`,
    );
  }
  // The demo's database and history would only mislead a real run later: they are kept in memory.
  const service = await startMonitorService(
    isDemo ? { kind: 'demo', dataDir: null, alerts: io.env.MONITOR_ALERTS } : { kind: 'echo', config },
    {
      timeZone: io.liveTimeZone ?? io.timeZone,
      defaultDataDir: stateDir(io.env),
      log: commandLog(io),
    },
  );
  const web = createWebServer({
    service,
    controlKey: control.key,
    remoteControls,
    boundHost: options.host,
    accessToken,
    rendererDir: existsSync(join(RENDERER_DIR, 'index.html')) ? RENDERER_DIR : null,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      web.server.once('error', reject);
      web.server.listen(options.port, options.host, () => {
        web.server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    web.detach();
    await service.close();
    throw error;
  }
  const address = web.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = escapeControls(options.host);
  const shown = host.includes(':') ? `[${host}]` : host;
  const dashboard = `http://${shown}:${port}/`;
  io.out(`Delegator Monitor${isDemo ? ' (demo)' : ''} on ${dashboard}\n`);
  io.out(`${await keepControlsAddress(dashboard, control, io)}\n`);
  if (!isLoopbackName(options.host)) {
    io.err(
      `Listening on ${host}: other machines must send the access token (Authorization: Bearer) to read; this one needs none.\n`,
    );
    io.err(
      remoteControls
        ? 'MONITOR_REMOTE_CONTROLS=on: other machines may use the controls with the access token and the control key.\n'
        : 'The controls are for this machine only.\n',
    );
  }
  const signal = await io.untilStopped();
  io.out(`${signal}: shutting down.\n`);
  web.detach();
  await new Promise<void>((resolve) => {
    web.server.close(() => {
      resolve();
    });
    web.server.closeAllConnections();
  });
  await service.close();
  return EXIT.ok;
}
