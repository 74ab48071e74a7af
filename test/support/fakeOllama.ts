import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { freePort } from './freePort';

/** Ollama's `/api/ps` answer as recorded, in its documented format. */
export const RECORDED_PS = readFileSync(new URL('../fixtures/ollama-ps.json', import.meta.url), 'utf8');

export type OllamaBehaviour =
  | { readonly kind: 'answer'; readonly body: string; readonly status?: number }
  /** Accepts the request and never answers. */
  | { readonly kind: 'hang' };

export interface FakeOllama {
  readonly endpoint: string;
  behave(behaviour: OllamaBehaviour): void;
  readonly requests: string[];
  close(): Promise<void>;
}

/** A real HTTP server on loopback standing in for Ollama, answering as told. */
export async function startFakeOllama(initial: OllamaBehaviour = { kind: 'answer', body: RECORDED_PS }): Promise<FakeOllama> {
  let behaviour = initial;
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests.push(`${request.method ?? ''} ${request.url ?? ''}`);
    if (behaviour.kind === 'hang') return;
    if (request.url !== '/api/ps') {
      response.writeHead(404).end('404 page not found');
      return;
    }
    response.writeHead(behaviour.status ?? 200, { 'content-type': 'application/json; charset=utf-8' }).end(behaviour.body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    behave(next) {
      behaviour = next;
    },
    requests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => {
        resolve();
      }));
    },
  };
}
