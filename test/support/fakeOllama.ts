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

/** How `POST /api/generate` with `keep_alive: 0` is answered. */
export type UnloadBehaviour =
  /** Agrees, and drops the model from `/api/ps`, at once or after a while, as Ollama frees it. */
  | { readonly kind: 'drop'; readonly afterMs?: number }
  /** Agrees, and keeps listing the model, as a model Ollama could not free would be. */
  | { readonly kind: 'keep' }
  | { readonly kind: 'refuse'; readonly status: number; readonly body: string };

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  /** The JSON body as sent, or the raw text when it is not JSON; null when empty. */
  readonly body: unknown;
}

export interface FakeOllama {
  readonly endpoint: string;
  behave(behaviour: OllamaBehaviour): void;
  unloads(behaviour: UnloadBehaviour): void;
  /** `METHOD path` of each request, as it arrives. */
  readonly requests: string[];
  /** Each request with its body, once the body has arrived. */
  readonly received: ReceivedRequest[];
  close(): Promise<void>;
}

function jsonOrText(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A real HTTP server on loopback standing in for Ollama, answering as told. */
export async function startFakeOllama(
  initial: OllamaBehaviour = { kind: 'answer', body: RECORDED_PS },
): Promise<FakeOllama> {
  let behaviour = initial;
  let unload: UnloadBehaviour = { kind: 'drop' };
  const requests: string[] = [];
  const received: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const dropFromPs = (model: string): void => {
    if (behaviour.kind !== 'answer') return;
    const ps = JSON.parse(behaviour.body) as { models: { name: string }[] };
    const models = ps.models.filter((entry) => entry.name !== model && entry.name !== `${model}:latest`);
    behaviour = { ...behaviour, body: JSON.stringify({ ...ps, models }) };
  };
  const answerGenerate = (body: unknown, response: ServerResponse): void => {
    const model =
      typeof body === 'object' && body !== null && 'model' in body && typeof body.model === 'string' ? body.model : '';
    if (unload.kind === 'refuse') {
      response.writeHead(unload.status, { 'content-type': 'application/json; charset=utf-8' }).end(unload.body);
      return;
    }
    if (unload.kind === 'drop') {
      const { afterMs = 0 } = unload;
      if (afterMs === 0) dropFromPs(model);
      else
        setTimeout(() => {
          dropFromPs(model);
        }, afterMs);
    }
    const answer = { model, created_at: new Date().toISOString(), response: '', done: true, done_reason: 'unload' };
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer));
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests.push(`${request.method ?? ''} ${request.url ?? ''}`);
    const answering = behaviour;
    const generate = request.method === 'POST' && request.url === '/api/generate';
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      const body = jsonOrText(text);
      received.push({ method: request.method ?? '', path: request.url ?? '', body });
      if (generate && answering.kind !== 'hang') answerGenerate(body, response);
    });
    // An unload is answered once its body has arrived; everything else at once, as before.
    if (answering.kind === 'hang' || generate) return;
    if (request.url !== '/api/ps') {
      response.writeHead(404).end('404 page not found');
      return;
    }
    response
      .writeHead(answering.status ?? 200, { 'content-type': 'application/json; charset=utf-8' })
      .end(answering.body);
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
    unloads(next) {
      unload = next;
    },
    requests,
    received,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}
