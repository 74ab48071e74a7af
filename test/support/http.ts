import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { sseFrame } from './sseFrame';

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface HttpCall {
  readonly port: number;
  readonly path: string;
  readonly method?: string;
  /** Sent as given, Host included: the test decides what a client claims. */
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** A raw HTTP request over loopback; unlike fetch, it may send any Host header. */
export function http(call: HttpCall): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port: call.port,
        path: call.path,
        method: call.method ?? 'GET',
        headers: { host: `127.0.0.1:${call.port}`, ...call.headers },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        });
      },
    );
    request.on('error', reject);
    request.end(call.body);
  });
}

export interface SseEvent {
  readonly event: string;
  readonly data: unknown;
}

/** Reads a server-sent event stream, handing each event to `onEvent`; returns a function that closes it. */
export function openEventStream(port: number, path: string, onEvent: (event: SseEvent) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port, path, headers: { accept: 'text/event-stream' } },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`stream answered ${response.statusCode ?? 0}`));
          return;
        }
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let end = buffer.indexOf('\n\n');
          while (end !== -1) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = sseFrame(frame);
            if (fields !== null) onEvent({ event: fields.event, data: JSON.parse(fields.data) as unknown });
            end = buffer.indexOf('\n\n');
          }
        });
        resolve(() => {
          request.destroy();
        });
      },
    );
    request.on('error', reject);
    request.end();
  });
}
