import { createMonitorMcpServer } from '../mcp/monitorMcpServer';
import type { SnapshotTexts } from '../mcp/snapshotTexts';
import { serveOverStdio, type StdioStreams } from '../mcp/stdioServer';
import { startMonitorService } from '../monitor/monitorService';
import { packageRoot } from '../web/packageRoot';
import { EXIT, type ExitCode } from './exitCodes';
import type { CliIo } from './output';
import { agentsSection } from './statusAgents';
import { latestSection, sessionsSection, workSection } from './statusTables';
import type { MonitorConfig } from '../config';
import { sourceLabels } from './sourceLabels';
import { statusHeader, type SourceLabels } from './statusText';
import { commandLog } from './stderrLog';

export interface McpOptions {
  readonly demo: boolean;
  /** Offer the controls as tools; without it they are not listed at all. */
  readonly allowControls: boolean;
}

/** `status`'s own text, part by part, for the tools to quote. */
export function statusTexts(labels: SourceLabels): SnapshotTexts {
  return {
    header: (snapshot) => statusHeader(snapshot, labels).join('\n'),
    agents: agentsSection,
    sessions: sessionsSection,
    work: (snapshot) => [...workSection(snapshot), ...latestSection(snapshot)],
  };
}

/**
 * An MCP server on standard input and output, answering from one monitor,
 * until the client closes standard input, SIGINT or SIGTERM. Standard output
 * carries the protocol alone; the log goes to standard error. Without a
 * configuration, of the demo.
 */
export async function mcpCommand(
  config: MonitorConfig | null,
  options: McpOptions,
  io: CliIo,
  streams: StdioStreams = { input: process.stdin, output: io.stdout ?? process.stdout },
): Promise<ExitCode> {
  const isDemo = config === null;
  const log = commandLog(io);
  // Listened for before the monitor starts, so a signal while it starts stops the server as soon as it could begin.
  const stopped = io.untilStopped();
  // History in memory, as `status --watch` keeps it: `serve` may be writing the state folder's event log at the same
  // time.
  const service = await startMonitorService(
    isDemo ? { kind: 'demo', dataDir: null, alerts: io.env.MONITOR_ALERTS } : { kind: 'echo', config },
    { timeZone: io.liveTimeZone ?? io.timeZone, defaultDataDir: null, log },
  );
  try {
    const mcp = createMonitorMcpServer({
      service,
      texts: statusTexts(sourceLabels(service.config, isDemo)),
      allowControls: options.allowControls,
      version: packageRoot()?.version ?? '0.0.0',
      log: log.child('mcp'),
    });
    const tools = mcp.tools.map((tool) => tool.name).join(', ');
    log.child('mcp').info(`serving on standard input and output${isDemo ? ' (demo)' : ''}: ${tools}`);
    const reason = await serveOverStdio(mcp, streams, stopped);
    log.child('mcp').info(`stopping: ${reason}`);
  } finally {
    await service.close();
  }
  return EXIT.ok;
}
