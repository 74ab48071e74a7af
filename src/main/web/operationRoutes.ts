import type { IncomingMessage, ServerResponse } from 'node:http';
import { OPERATION_NAMES, type OperationName } from '../../shared/ipcChannels';
import { OPERATIONS, type Implementations, type Operation, type OperationArgs } from '../../shared/operations';
import { describeIssues } from '../../shared/zodIssues';
import { HttpError, sendJson } from './httpResponses';
import { isJsonMediaType } from './mediaType';
import { askPostgres } from './postgresQuery';

/** Answers one request to a known method and path. */
export type Route = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void> | void;

/** The operation the web host streams rather than answers: an export is a download, not a JSON answer. */
export const STREAMED_OPERATION = 'exportData' satisfies OperationName;
export type StreamedOperation = typeof STREAMED_OPERATION;

/** What answers every other operation: the monitor service. */
export type AnsweredOperations = Implementations<Exclude<OperationName, StreamedOperation>>;

const MAX_BODY_BYTES = 64 * 1024;

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  // Node keeps the first of two Content-Type headers; a request with two is as ambiguous as one with none.
  const types = request.headersDistinct['content-type'] ?? [];
  if (types.length !== 1 || !isJsonMediaType(types[0])) {
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

/** `GET /api/history`: the method and path the web host's routes are keyed by. */
export function routeKey(operation: { readonly http: { readonly method: string; readonly path: string } }): string {
  return `${operation.http.method} ${operation.http.path}`;
}

/** An operation's arguments from its query string, or its JSON body, checked against the table; 400 with the reason. */
export async function argumentsOf<Name extends OperationName>(
  operation: Operation<Name>,
  request: IncomingMessage,
  url: URL,
): Promise<OperationArgs<Name>> {
  const form = operation.arguments;
  // A control that takes nothing reads no body: a bare POST, without a Content-Type, works as it always has.
  const fromBody = async (): Promise<unknown> => (form.count === 0 ? {} : readJsonBody(request));
  const carried = operation.http.carries === 'query' ? Object.fromEntries(url.searchParams) : await fromBody();
  const checked = form.named.safeParse(carried);
  if (!checked.success) throw new HttpError(400, describeIssues(checked.error));
  return form.toPositional(checked.data);
}

/**
 * An operation's route: its arguments checked, its implementation asked, the
 * answer sent as JSON. The type parameter ties the name to its own arguments,
 * which TypeScript follows through nothing else.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
function operationRoute<Name extends keyof AnsweredOperations>(name: Name, served: AnsweredOperations): Route {
  const operation = OPERATIONS[name];
  return async (request, response, url) => {
    const args = await argumentsOf(operation, request, url);
    const ask = async () => served[name](...args);
    const result = operation.needsPostgres ? await askPostgres(ask) : await ask();
    const { nullAnswer } = operation.http;
    if (result === null && nullAnswer !== undefined) sendJson(response, 503, { error: nullAnswer });
    else sendJson(response, 200, result);
  };
}

/**
 * A route for every operation of the table but the streamed export, keyed by
 * `routeKey`, answered from `served` as JSON. Who may call each is the web
 * host's to check before a route is looked up: every POST needs the control key.
 */
export function operationRoutes(served: AnsweredOperations): Record<string, Route> {
  const routes: Record<string, Route> = {};
  for (const name of OPERATION_NAMES) {
    if (name !== STREAMED_OPERATION) routes[routeKey(OPERATIONS[name])] = operationRoute(name, served);
  }
  return routes;
}
