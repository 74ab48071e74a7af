import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { CONTENT_SECURITY_POLICY } from '../../shared/contentSecurityPolicy';
import { errorText } from '../../shared/errorText';
import { Unavailable } from '../monitor/unavailable';

/** Sent with every response, streams and downloads included, so no answer of this server can be framed or sniffed. */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': CONTENT_SECURITY_POLICY,
} as const;

/** A refusal with its status, its reason for people, and any headers it needs (such as `Retry-After`). */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly status: number,
    message: string,
    readonly headers: OutgoingHttpHeaders = {},
  ) {
    super(message);
  }
}

export function send(
  response: ServerResponse,
  status: number,
  body: string,
  type: string,
  headers: OutgoingHttpHeaders = {},
): void {
  response.writeHead(status, { ...headers, ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}

export function sendJson(
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  send(response, status, JSON.stringify(value), 'application/json; charset=utf-8', headers);
}

/**
 * Answers a request that failed, as `{error}`: a refusal with its own status,
 * something this setup or a source cannot give now with 503, and anything else
 * with 500. Once the headers are out the status cannot change, so the
 * response is only ended.
 */
export function sendFailure(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  if (error instanceof HttpError) sendJson(response, error.status, { error: errorText(error) }, error.headers);
  else if (error instanceof Unavailable) sendJson(response, 503, { error: errorText(error) });
  else sendJson(response, 500, { error: `internal error: ${errorText(error)}` });
}
