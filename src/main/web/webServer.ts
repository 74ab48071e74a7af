import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { exportQuerySchema, historyQuerySchema, HTTP_ROUTES, snoozeRequestSchema, statsQuerySchema, STREAM_EVENTS, TOKEN_HEADER } from '../../shared/api';
import { commandRequestSchema } from '../../shared/commands';
import { CONTENT_SECURITY_POLICY } from '../../shared/contentSecurityPolicy';
import { errorText } from '../../shared/errorText';
import { renderMetrics } from '../core/views/metrics';
import type { MonitorService } from '../monitor/monitorService';
import { Unavailable } from '../monitor/unavailable';
import { describeIssues } from '../../shared/zodIssues';
import { EventStream } from './eventStream';
import { sendExport } from './exportRoute';
import { isAllowedHost } from './hostCheck';
import { readStatic } from './staticFiles';

export interface WebHostOptions {
  /** The running monitor: its snapshots and events, its questions and commands, its exports. */
  readonly service: MonitorService;
  /** Required on every POST; printed at start, and handed to the page by a same-origin bootstrap. */
  readonly token: string;
  /** The address the server listens on; loopback names are always answered. */
  readonly boundHost: string;
  /** The built renderer, or null when it has not been built. */
  readonly rendererDir: string | null;
}

const MAX_BODY_BYTES = 64 * 1024;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': CONTENT_SECURITY_POLICY,
} as const;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(response: ServerResponse, status: number, body: string, type: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  send(response, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

function tokenMatches(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new HttpError(415, 'send JSON with Content-Type: application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
}

function parsed<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, describeIssues(result.error));
  return result.data;
}

/**
 * The monitor for a browser: the built dashboard, the MonitorApi over HTTP and
 * server-sent events, and /metrics. GETs never change anything; POSTs need the
 * launch token and must come from this origin. No CORS headers are ever sent.
 */
export function createWebServer(options: WebHostOptions): { server: Server; detach(): void } {
  const { service, token } = options;
  const stream = new EventStream();
  const detachers = [
    service.onSnapshot((snapshot) => {
      stream.send(STREAM_EVENTS.snapshot, snapshot);
    }),
    service.onEvent((event) => {
      stream.send(STREAM_EVENTS.event, event);
    }),
  ];

  const routes: Record<string, ((request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void> | void) | undefined> = {
    [`GET ${HTTP_ROUTES.bootstrap}`]: (_request, response) => {
      sendJson(response, 200, { token });
    },
    [`GET ${HTTP_ROUTES.snapshot}`]: (_request, response) => {
      const snapshot = service.getSnapshot();
      if (snapshot === null) sendJson(response, 503, { error: 'the first poll has not finished yet' });
      else sendJson(response, 200, snapshot);
    },
    [`GET ${HTTP_ROUTES.history}`]: async (_request, response, url) => {
      const { date } = parsed(historyQuerySchema, Object.fromEntries(url.searchParams));
      sendJson(response, 200, await service.getHistory(date));
    },
    [`GET ${HTTP_ROUTES.stats}`]: async (_request, response, url) => {
      const { from, to } = parsed(statsQuerySchema, Object.fromEntries(url.searchParams));
      sendJson(response, 200, await service.getStats(from, to));
    },
    [`GET ${HTTP_ROUTES.series}`]: (_request, response) => {
      sendJson(response, 200, service.getSeries());
    },
    [`GET ${HTTP_ROUTES.events}`]: (_request, response) => {
      sendJson(response, 200, service.getEvents());
    },
    [`GET ${HTTP_ROUTES.export}`]: async (request, response, url) => {
      // A download can be started by any page's link or image; only this page's own (or a typed address, or a script) may start one.
      const site = request.headers['sec-fetch-site'];
      if (site === 'cross-site' || site === 'same-site') throw new HttpError(403, 'an export may only be started from the dashboard itself');
      const query = parsed(exportQuerySchema, Object.fromEntries(url.searchParams));
      await sendExport(response, query, service.exports, SECURITY_HEADERS);
    },
    [`GET ${HTTP_ROUTES.stream}`]: (_request, response) => {
      const snapshot = service.getSnapshot();
      stream.open(response, snapshot === null ? [] : [[STREAM_EVENTS.snapshot, snapshot]]);
    },
    [`GET ${HTTP_ROUTES.metrics}`]: (_request, response) => {
      const snapshot = service.getSnapshot();
      if (snapshot === null) sendJson(response, 503, { error: 'the first poll has not finished yet' });
      else send(response, 200, renderMetrics(snapshot), 'text/plain; version=0.0.4; charset=utf-8');
    },
    [`POST ${HTTP_ROUTES.commands}`]: async (request, response) => {
      const command = parsed(commandRequestSchema, await readJsonBody(request));
      sendJson(response, 200, await service.sendCommand(command));
    },
    [`POST ${HTTP_ROUTES.snooze}`]: async (request, response) => {
      const { until } = parsed(snoozeRequestSchema, await readJsonBody(request));
      sendJson(response, 200, service.snooze(until));
    },
    [`POST ${HTTP_ROUTES.resume}`]: (_request, response) => {
      sendJson(response, 200, service.resumeNotifications());
    },
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = request.method ?? 'GET';
    if (!isAllowedHost(request.headers.host, options.boundHost)) throw new HttpError(403, 'unknown Host');
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (method === 'POST') {
      // A cross-origin page may send a simple POST; only this origin may change anything.
      const origin = request.headers.origin;
      if (origin !== undefined && (!URL.canParse(origin) || new URL(origin).host !== request.headers.host)) {
        throw new HttpError(403, 'cross-origin request');
      }
      if (!tokenMatches(request.headers[TOKEN_HEADER], token)) throw new HttpError(401, `missing or wrong ${TOKEN_HEADER}`);
    }
    const route = routes[`${method} ${url.pathname}`];
    if (route) {
      await route(request, response, url);
      return;
    }
    if (Object.keys(routes).some((key) => key.endsWith(` ${url.pathname}`))) throw new HttpError(405, 'method not allowed');
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
      const status = error instanceof HttpError ? error.status : error instanceof Unavailable ? 503 : 500;
      if (!response.headersSent) sendJson(response, status, { error: status === 500 ? `internal error: ${errorText(error)}` : errorText(error) });
      else response.end();
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
