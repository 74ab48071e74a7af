import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../core/logger';
import type { MonitorService } from '../monitor/monitorService';
import { controlTools } from './controlTools';
import { forecastTool } from './forecastTool';
import { operationTools } from './operationTools';
import type { SnapshotTexts } from './snapshotTexts';
import { offerSnapshotResource, SNAPSHOT_CAPABILITIES } from './snapshotResource';
import { snapshotTools } from './snapshotTools';
import type { Tool } from './toolDefinition';

/** What the server asks of the monitor service: its queries, its commands, its snapshots as they come. */
export type McpServedService = Pick<
  MonitorService,
  'getSnapshot' | 'onSnapshot' | 'getHistory' | 'getStats' | 'getEvents' | 'sendCommand'
>;

export interface MonitorMcpOptions {
  /** The one running monitor every answer comes from: no poll of the server's own. */
  readonly service: McpServedService;
  readonly texts: SnapshotTexts;
  /** Offer stop_agent, unload_model and end_session; without it they are not listed at all. */
  readonly allowControls: boolean;
  /** This program's version, which the client shows and logs. */
  readonly version: string;
  readonly log: Logger;
}

export interface MonitorMcpServer {
  readonly server: McpServer;
  /** The tools offered, in the order they are listed. */
  readonly tools: readonly Tool[];
  /** Stops listening to the monitor and closes the connection; the monitor is the host's to close. */
  close(): Promise<void>;
}

/** What a client hands its model about this server as a whole. */
const INSTRUCTIONS = [
  "Delegator Monitor watches the user's ECHO multi-agent system on this machine: which agents run, the models they hold in Ollama and the memory they cost, the delegator's sessions, ECHO's own backlogs and decisions, and the alerts.",
  'Start with `summary`. Memory figures say whether they were measured or estimated. A source that is down is named as down, and what only it could tell is null, never zero: say so rather than guess.',
  'The controls (stop_agent, unload_model, end_session) are listed only when the user started the server with --allow-controls; ask the user before each.',
].join(' ');

/** The server: every tool over one monitor service, and its snapshot as a resource. */
export function createMonitorMcpServer(options: MonitorMcpOptions): MonitorMcpServer {
  const { service, log } = options;
  const server = new McpServer(
    { name: 'delegator-monitor', title: 'Delegator Monitor', version: options.version },
    { capabilities: SNAPSHOT_CAPABILITIES, instructions: INSTRUCTIONS },
  );
  const tools = [
    ...snapshotTools({ service, texts: options.texts }),
    forecastTool(service),
    ...operationTools({
      served: service,
      // The zone the latest poll worked in: the user's, read again at each poll.
      context: () => ({ timeZone: service.getSnapshot()?.timeZone ?? 'UTC' }),
    }),
    ...(options.allowControls ? controlTools(service) : []),
  ];
  for (const tool of tools) tool.register(server, log);
  // A message that is no JSON-RPC, an answer that cannot be sent: said on the log, and the server goes on.
  server.server.onerror = (error) => {
    log.warn(`protocol: ${errorText(error)}`);
  };
  const stopListening = offerSnapshotResource(server, service, log);
  return {
    server,
    tools,
    async close() {
      stopListening();
      await server.close();
    },
  };
}
