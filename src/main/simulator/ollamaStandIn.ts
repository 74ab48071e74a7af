import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { parseJson } from '../../shared/jsonLine';
import { describeIssues } from '../../shared/zodIssues';
import { SYSTEM_CLOCK, type Clock } from '../core/time';
import type { DemoGpu } from './gpuPlacement';
import { DEFAULT_KEEP_ALIVE_MS, keepAliveMs, LoadedModels, type PsEntry } from './loadedModels';

/** The Ollama release whose answers these are. */
export const STAND_IN_VERSION = '0.12.3';
const MAX_BODY_BYTES = 64 * 1024;

export interface OllamaStandInOptions {
  /** Decides how much of the GPU the desktop holds, as the demo's other choices. */
  readonly seed: number;
  /** The GPU its models are placed on; the demo's for the seed by default. */
  readonly gpu?: DemoGpu;
  readonly host?: string;
  /** 0, the default, takes a free port. */
  readonly port?: number;
  /** Wall-clock time: the monitor counts keep-alives down against its own clock. */
  readonly clock?: Clock;
}

export interface OllamaStandIn {
  /** `http://127.0.0.1:<port>`, for `OLLAMA_ENDPOINT`. */
  readonly endpoint: string;
  /** An agent's request to its model: loads it, or keeps it loaded for another 5 minutes. */
  use(model: string): void;
  /** What `/api/ps` lists now: what the demo's machine holds in RAM and GPU memory for Ollama. */
  loaded(): readonly PsEntry[];
  close(): Promise<void>;
}

const generateSchema = z.object({
  model: z.string().min(1, 'model is required'),
  keep_alive: z.union([z.number(), z.string()]).optional(),
});

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) }).end(text);
}

function readBody(request: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      text += chunk;
      // Too big for any request Ollama takes here; stop reading rather than buffer it.
      if (text.length > MAX_BODY_BYTES) {
        resolve(null);
        request.destroy();
      }
    });
    request.on('end', () => {
      resolve(text);
    });
    request.on('error', reject);
  });
}

/**
 * Ollama's `POST /api/generate` without a prompt: a `keep_alive` of 0 unloads
 * the model (how Ollama documents unloading), anything else loads it or moves
 * its expiry on.
 */
function answerGenerate(models: LoadedModels, clock: Clock, text: string, response: ServerResponse): void {
  const json = parseJson(text);
  if (!json.ok) {
    send(response, 400, { error: 'invalid JSON in request body' });
    return;
  }
  const request = generateSchema.safeParse(json.value);
  if (!request.success) {
    send(response, 400, { error: describeIssues(request.error) });
    return;
  }
  const { model, keep_alive } = request.data;
  const keepMs = keepAliveMs(keep_alive) ?? DEFAULT_KEEP_ALIVE_MS;
  const createdAt = new Date(clock.now()).toISOString();
  if (keepMs === 0) {
    models.unload(model);
    send(response, 200, { model, created_at: createdAt, response: '', done: true, done_reason: 'unload' });
    return;
  }
  models.use(model, clock.now(), keepMs);
  send(response, 200, { model, created_at: createdAt, response: '', done: true, done_reason: 'load' });
}

/**
 * A stand-in for Ollama on a loopback port, for the demo: it answers
 * `GET /api/ps`, `GET /api/version` and `POST /api/generate` (load and unload)
 * in Ollama's documented format, holding what the simulated agents use with
 * realistic sizes and real keep-alive countdowns.
 */
export async function startOllamaStandIn(options: OllamaStandInOptions): Promise<OllamaStandIn> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const models = new LoadedModels(options.seed, options.gpu);
  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://stand-in').pathname;
    const method = request.method ?? 'GET';
    const reading = method === 'GET' || method === 'HEAD';
    if (path === '/' && reading) send(response, 200, 'Ollama is running');
    else if (path === '/api/version' && reading) send(response, 200, { version: STAND_IN_VERSION });
    else if (path === '/api/ps' && reading) send(response, 200, { models: models.list(clock.now()) });
    else if (path === '/api/generate' && method === 'POST') {
      const text = await readBody(request);
      if (text === null) send(response, 413, { error: 'request body too large' });
      else answerGenerate(models, clock, text, response);
    } else if (['/', '/api/version', '/api/ps', '/api/generate'].includes(path))
      send(response, 405, '405 method not allowed');
    else send(response, 404, '404 page not found');
  };
  const server = createServer((request, response) => {
    route(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, { error: 'the stand-in failed to answer' });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    endpoint: `http://${host}:${String(address.port)}`,
    use(model) {
      models.use(model, clock.now());
    },
    loaded() {
      return models.list(clock.now());
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        // Keep-alive connections from the monitor's fetch would hold close() open.
        server.closeAllConnections();
      });
    },
  };
}
