import type { z } from 'zod';
import { HTTP_ROUTES, STREAM_EVENTS, TOKEN_HEADER, type MonitorApi } from '../../../shared/api';
import { type ExportOutcome, type ExportQuery } from '../../../shared/apiSchemas';
import type { OperationName } from '../../../shared/ipcChannels';
import { snapshotSchema, type Snapshot } from '../../../shared/model';
import { monitorEventSchema, type MonitorEvent } from '../../../shared/monitorEvent';
import { operationMethods } from '../../../shared/operationMethods';
import { OPERATIONS, type OperationArgs, type OperationResult } from '../../../shared/operations';
import { forgetControlKey, NO_CONTROL_KEY, storedControlKey } from './storedControlKey';

type Listener<T> = (value: T) => void;

/** The web host's Retry-After for a stream it refused: a place frees as a tab closes or a stalled stream is cut. */
const STREAM_REFUSED_RETRY_MS = 10_000;

/** The server's own reason for a refusal, which it words for people; the status code is for programs. */
async function refusalOf(response: Response): Promise<Error> {
  const body: unknown = await response.json().catch(() => null);
  const reason =
    typeof body === 'object' && body !== null && 'error' in body
      ? String(body.error)
      : `${String(response.status)} ${response.statusText}`;
  return new Error(reason);
}

async function readJson<T>(response: Response, schema: z.ZodType<T>): Promise<T> {
  if (!response.ok) throw await refusalOf(response);
  return schema.parse(await response.json());
}

/**
 * MonitorApi for a browser, over the web host's HTTP API and one shared
 * server-sent event stream. Everything the server sends is checked with zod.
 */
export function createHttpMonitorApi(
  base = '',
  keyStore?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
): MonitorApi {
  let source: EventSource | null = null;
  const snapshotListeners = new Set<Listener<Snapshot>>();
  const eventListeners = new Set<Listener<MonitorEvent>>();

  const post = async (path: string, body: unknown): Promise<Response> => {
    // The page's own storage, looked up only when a control is used.
    const storage = keyStore ?? window.localStorage;
    const key = storedControlKey(storage);
    if (key === null) throw new Error(NO_CONTROL_KEY);
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: key },
      body: JSON.stringify(body),
    });
    if (response.status === 401) {
      forgetControlKey(storage);
      throw new Error(NO_CONTROL_KEY);
    }
    return response;
  };

  /** An operation's request as the table describes it: a GET with a query string, or a POST with a JSON body. */
  const request = <Name extends OperationName>(name: Name, args: OperationArgs<Name>): Promise<Response> => {
    const { arguments: form, http } = OPERATIONS[name];
    const named = form.toNamed(args);
    if (http.carries === 'body') return post(http.path, named);
    // A read's arguments are texts (dates, a format's name): the schemas of a query string's take nothing else.
    const query = new URLSearchParams(named as Readonly<Record<string, string>>).toString();
    return fetch(`${base}${http.path}${query === '' ? '' : `?${query}`}`);
  };

  const call =
    <Name extends OperationName>(name: Name) =>
    async (...args: OperationArgs<Name>): Promise<OperationResult<Name>> => {
      const { http, result } = OPERATIONS[name];
      const response = await request(name, args);
      // A null answer comes as 503 with its reason (the monitor has not finished its first poll yet).
      if (response.status === 503 && http.nullAnswer !== undefined) return result.parse(null);
      return readJson(response, result);
    };

  const openStream = (): void => {
    if (source !== null) return;
    const opened = new EventSource(`${base}${HTTP_ROUTES.stream}`);
    source = opened;
    opened.addEventListener('error', () => {
      // A browser retries a dropped stream by itself, but never one refused (503: too many streams open): try again
      // later.
      if (opened.readyState !== EventSource.CLOSED || source !== opened) return;
      source = null;
      setTimeout(() => {
        if (snapshotListeners.size + eventListeners.size > 0) openStream();
      }, STREAM_REFUSED_RETRY_MS);
    });
    opened.addEventListener(STREAM_EVENTS.snapshot, (message) => {
      const parsed = snapshotSchema.safeParse(JSON.parse((message as MessageEvent<string>).data));
      if (parsed.success) for (const listener of snapshotListeners) listener(parsed.data);
    });
    opened.addEventListener(STREAM_EVENTS.event, (message) => {
      const parsed = monitorEventSchema.safeParse(JSON.parse((message as MessageEvent<string>).data));
      if (parsed.success) for (const listener of eventListeners) listener(parsed.data);
    });
  };

  const closeStreamIfUnused = (): void => {
    if (snapshotListeners.size + eventListeners.size > 0) return;
    source?.close();
    source = null;
  };

  const subscribe = <T>(listeners: Set<Listener<T>>, listener: Listener<T>): (() => void) => {
    listeners.add(listener);
    openStream();
    return () => {
      listeners.delete(listener);
      closeStreamIfUnused();
    };
  };

  return {
    ...operationMethods(call),
    onSnapshot: (listener) => subscribe(snapshotListeners, listener),
    onEvent: (listener) => subscribe(eventListeners, listener),
    // A browser tab has no host to ask it to show something.
    onFocus: () => () => undefined,
    // Not a JSON answer but a download, which the browser saves itself.
    async exportData(query: ExportQuery): Promise<ExportOutcome> {
      const url = `${base}${OPERATIONS.exportData.http.path}?${new URLSearchParams(query).toString()}`;
      // Asked once here, so a refusal (PostgreSQL down, a bad range) reaches the panel rather than the downloads list.
      const probe = await fetch(url);
      if (!probe.ok) throw await refusalOf(probe);
      await probe.body?.cancel();
      // The browser streams the attachment to its downloads itself; the page only starts it.
      const link = document.createElement('a');
      link.href = url;
      link.download = '';
      link.click();
      return {
        status: 'downloading',
        message: `Downloading ${query.what} from ${query.from} to ${query.to} as ${query.format.toUpperCase()}`,
      };
    },
  };
}
