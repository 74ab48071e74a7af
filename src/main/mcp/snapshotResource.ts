import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  ErrorCode,
  McpError,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { errorText } from '../../shared/errorText';
import { OPERATIONS } from '../../shared/operations';
import type { Logger } from '../core/logger';
import type { MonitorService } from '../monitor/monitorService';
import { snapshotFingerprint } from './snapshotChange';

/** The latest snapshot, whole, as `status --json` prints it. */
export const SNAPSHOT_URI = 'delegator-monitor://snapshot';

/** The capability a server offering the snapshot announces: it can be subscribed to. Given before it connects. */
export const SNAPSHOT_CAPABILITIES = { resources: { subscribe: true } } as const;

function unknownResource(uri: string): McpError {
  return new McpError(ErrorCode.InvalidParams, `No resource ${uri}: this server offers ${SNAPSHOT_URI}`);
}

/**
 * Offers the snapshot as a resource a client can read and subscribe to, and
 * tells subscribers when it changes in a way that matters (snapshotChange.ts).
 * Returns what stops listening to the monitor.
 */
export function offerSnapshotResource(
  server: McpServer,
  service: Pick<MonitorService, 'getSnapshot' | 'onSnapshot'>,
  log: Logger,
): () => void {
  server.registerResource(
    'snapshot',
    SNAPSHOT_URI,
    {
      title: 'Delegator Monitor snapshot',
      description:
        "The monitor's latest reading of ECHO as one JSON object: sources' health, summary figures, agents, sessions, models loaded, forecast, ECHO's work, warnings and alerts (the schema `status --json` documents). Subscribe to hear when it changes.",
      mimeType: 'application/json',
    },
    (uri) => {
      const snapshot = service.getSnapshot();
      if (snapshot === null)
        throw new McpError(ErrorCode.InternalError, OPERATIONS.getSnapshot.http.nullAnswer ?? 'no snapshot yet');
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(snapshot) }] };
    },
  );
  const subscribed = new Set<string>();
  server.server.setRequestHandler(SubscribeRequestSchema, (request) => {
    if (request.params.uri !== SNAPSHOT_URI) throw unknownResource(request.params.uri);
    subscribed.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });
  const current = service.getSnapshot();
  let last = current === null ? null : snapshotFingerprint(current);
  return service.onSnapshot((snapshot) => {
    const next = snapshotFingerprint(snapshot);
    if (next === last) return;
    last = next;
    if (!subscribed.has(SNAPSHOT_URI)) return;
    server.server.sendResourceUpdated({ uri: SNAPSHOT_URI }).catch((error: unknown) => {
      // The client gone mid-send: the server is closing, and says so itself.
      log.debug(`could not tell of the snapshot's change: ${errorText(error)}`);
    });
  });
}
