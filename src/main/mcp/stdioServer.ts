import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { MonitorMcpServer } from './monitorMcpServer';

export interface StdioStreams {
  /** Where the client's messages come from: standard input. */
  readonly input: Readable;
  /** Where the answers go: standard output, which carries nothing else. */
  readonly output: Writable;
}

/**
 * Resolves once the client is gone. A client ends its server by closing the
 * server's standard input (Claude Desktop does, on quitting or on turning the
 * server off): the SDK's transport does not watch for that, so this does.
 */
function clientGone(mcp: MonitorMcpServer, input: Readable): Promise<string> {
  return new Promise((resolve) => {
    input.once('end', () => {
      resolve('the client closed standard input');
    });
    input.once('close', () => {
      resolve('standard input closed');
    });
    input.once('error', () => {
      resolve('standard input failed');
    });
    mcp.server.server.onclose = () => {
      resolve('the connection closed');
    };
  });
}

/**
 * Serves `mcp` on the given streams until the client goes or `stopped`
 * resolves (SIGINT, SIGTERM, standard output lost), then closes the
 * connection. Resolves with why it stopped.
 */
export async function serveOverStdio(
  mcp: MonitorMcpServer,
  streams: StdioStreams,
  stopped: Promise<string>,
): Promise<string> {
  const gone = clientGone(mcp, streams.input);
  await mcp.server.connect(new StdioServerTransport(streams.input, streams.output));
  const reason = await Promise.race([stopped, gone]);
  await mcp.close();
  return reason;
}
