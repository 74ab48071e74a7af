import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { HTTP_ROUTES, STREAM_EVENTS, TOKEN_HEADER } from '../../shared/api';
import { OPERATIONS } from '../../shared/operations';
import { renderMetrics } from '../core/views/metrics';
import { bearerMatches, isLoopbackPeer, secretMatches } from './accessToken';
import { buildInfo } from './buildInfo';
import type { MonitorService } from '../monitor/monitorService';
import { ServerSentEvents, STREAM_LIMITS, type StreamLimits } from './serverSentEvents';
import { sendExport } from './exportRoute';
import { isAllowedHost, isSameOrigin, singleHost } from './hostCheck';
import { HttpError, SECURITY_HEADERS, send, sendFailure, sendJson } from './httpResponses';
import { argumentsOf, operationRoutes, routeKey, STREAMED_OPERATION, type Route } from './operationRoutes';
import { readStatic } from './staticFiles';

export interface WebHostOptions {
  /** The running monitor: its snapshots and events, its questions and commands, its exports. */
  readonly service: MonitorService;
  /**
   * Required on every POST (the controls): a key only the monitor's own user
   * can read (cli/controlKeyFile.ts). The page is given it in its address
   * (`#key=`), never by the server: any account on this machine can ask the
   * server, and none but that user can read the key.
   */
  readonly controlKey: string;
  /**
   * Whether a peer other than this machine may use the controls (with the access token and the control key); off by
   * default.
   */
  readonly remoteControls?: boolean;
  /** The address the server listens on; loopback names are always answered. */
  readonly boundHost: string;
  /**
   * What a peer other than this machine must send as `Authorization: Bearer`
   * on every route, /metrics included; null where only this machine may ask
   * (bound to loopback). A request that carries it is answered whatever its
   * Host: Prometheus scrapes by this machine's name, and no page another site
   * serves can know it.
   */
  readonly accessToken?: string | null;
  /** The built renderer, or null when it has not been built. */
  readonly rendererDir: string | null;
  /**
   * What each server-sent event stream may hold, and how many may be open; `STREAM_LIMITS` unless a test needs them
   * smaller.
   */
  readonly streamLimits?: StreamLimits;
}

/**
 * The monitor for a browser: the built dashboard, the MonitorApi over HTTP and
 * server-sent events, and /metrics. GETs never change anything; POSTs need the
 * launch token and must come from this origin. No CORS headers are ever sent.
 */
export function createWebServer(options: WebHostOptions): { server: Server; detach(): void } {
  const { service, controlKey } = options;
  const stream = new ServerSentEvents(options.streamLimits ?? STREAM_LIMITS);
  // Counted from this host's start, as Prometheus expects of a counter: a restart starts it again at 0.
  const eventTotals = new Map<string, number>();
  const detachers = [
    service.onSnapshot((snapshot) => {
      stream.send(STREAM_EVENTS.snapshot, snapshot, 'newest-only');
    }),
    service.onEvent((event) => {
      stream.send(STREAM_EVENTS.event, event, 'each');
      eventTotals.set(event.type, (eventTotals.get(event.type) ?? 0) + 1);
    }),
  ];

  const exportOperation = OPERATIONS[STREAMED_OPERATION];
  const routes: Record<string, Route | undefined> = {
    // The operations of the table, answered as JSON; who may call each is checked in `handle`, before any route.
    ...operationRoutes(service),
    [routeKey(exportOperation)]: async (request, response, url) => {
      // A download can be started by any page's link or image; only this page's own (or a typed address, or a script)
      // may start one.
      const site = request.headers['sec-fetch-site'];
      if (site === 'cross-site' || site === 'same-site')
        throw new HttpError(403, 'an export may only be started from the dashboard itself');
      const [query] = await argumentsOf(exportOperation, request, url);
      await sendExport(response, query, service.exports, SECURITY_HEADERS);
    },
    [`GET ${HTTP_ROUTES.stream}`]: (_request, response) => {
      const snapshot = service.getSnapshot();
      stream.open(response, snapshot === null ? [] : [[STREAM_EVENTS.snapshot, snapshot]]);
    },
    [`GET ${HTTP_ROUTES.metrics}`]: (_request, response) => {
      const snapshot = service.getSnapshot();
      if (snapshot === null) sendJson(response, 503, { error: 'the first poll has not finished yet' });
      else
        send(
          response,
          200,
          renderMetrics(snapshot, buildInfo(), eventTotals),
          'text/plain; version=0.0.4; charset=utf-8',
        );
    },
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = request.method ?? 'GET';
    const host = singleHost(request);
    const bearer = request.headersDistinct.authorization ?? [];
    const accessToken = options.accessToken ?? null;
    const authorized = accessToken !== null && bearer.length === 1 && bearerMatches(bearer[0], accessToken);
    if (!authorized) {
      if (!isLoopbackPeer(request.socket.remoteAddress))
        throw new HttpError(401, 'send Authorization: Bearer with the access token', { 'www-authenticate': 'Bearer' });
      // DNS-rebinding defence, for a browser on this machine.
      if (host === undefined || !isAllowedHost(host, options.boundHost)) throw new HttpError(403, 'unknown Host');
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (method === 'POST') {
      // The access token lets another machine read; the controls stay this machine's unless the owner says otherwise.
      if (!isLoopbackPeer(request.socket.remoteAddress) && options.remoteControls !== true) {
        throw new HttpError(
          403,
          'the controls are for this machine only (MONITOR_REMOTE_CONTROLS=on allows them from others)',
        );
      }
      // A cross-origin page may send a simple POST; only this origin may change anything.
      const origin = request.headers.origin;
      if (origin !== undefined && (host === undefined || !isSameOrigin(origin, host)))
        throw new HttpError(403, 'cross-origin request');
      const given = request.headersDistinct[TOKEN_HEADER] ?? [];
      if (given.length !== 1 || !secretMatches(given[0], controlKey))
        throw new HttpError(401, `missing or wrong ${TOKEN_HEADER}: the controls need the monitor's control key`);
    }
    const route = routes[`${method} ${url.pathname}`];
    if (route) {
      await route(request, response, url);
      return;
    }
    if (Object.keys(routes).some((key) => key.endsWith(` ${url.pathname}`)))
      throw new HttpError(405, 'method not allowed');
    if (method !== 'GET' || url.pathname.startsWith('/api/')) throw new HttpError(404, 'not found');
    await serveRenderer(url.pathname, response);
  };

  const serveRenderer = async (path: string, response: ServerResponse): Promise<void> => {
    if (options.rendererDir === null) {
      send(response, 200, NOT_BUILT_PAGE, 'text/html; charset=utf-8');
      return;
    }
    const file = await readStatic(options.rendererDir, path);
    if (file === null) throw new HttpError(404, 'not found');
    response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.type, 'cache-control': 'no-cache' });
    response.end(file.body);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      sendFailure(response, error);
    });
  });
  return {
    server,
    detach() {
      for (const detach of detachers) detach();
      stream.closeAll();
    },
  };
}

const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>Delegator Monitor</title>
<p>The dashboard has not been built. Run <code>npm run build</code>, then reload. The API is up meanwhile: <a href="${HTTP_ROUTES.snapshot}">${HTTP_ROUTES.snapshot}</a>, <a href="${HTTP_ROUTES.metrics}">${HTTP_ROUTES.metrics}</a>.</p>`;
