import { spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMetrics } from '../../src/main/core/views/metrics';
import { ANSWER_LIMIT_BYTES } from '../../src/main/sources/ollama/boundedHttp';
import { ModelUnloader } from '../../src/main/sources/ollama/modelUnloader';
import { OllamaClient } from '../../src/main/sources/ollama/ollamaClient';
import { RECORDED_PS, startFakeOllama, type FakeOllama } from '../support/fakeOllama';
import { promtoolMissing } from '../support/needs';
import { PROMTOOL } from '../support/packages';
import { ok, ollamaModel } from '../support/readings';
import { snapshotAt } from '../support/snapshots';

/**
 * What an Ollama (or whatever answers at its address) can send that the
 * monitor must not take whole: an answer without end, a redirect to another
 * host, an error as long as a book, a model listed twice, sizes no machine has.
 */

const MEGABYTE = 1024 * 1024;
const NOW = Date.parse('2026-11-24T14:30:00Z');
const TIMING = { confirmWithinMs: 500, checkEveryMs: 50 };

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

interface Hostile {
  readonly endpoint: string;
  /** `METHOD path` of each request, as it arrives. */
  readonly requests: string[];
  answer(handler: Handler): void;
  close(): Promise<void>;
}

/** A real HTTP server on loopback, port 0, answering whatever the test tells it to. */
async function startHostile(): Promise<Hostile> {
  let handler: Handler = (_, response) => response.writeHead(404).end();
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    requests.push(`${request.method ?? ''} ${request.url ?? ''}`);
    handler(request, response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    requests,
    answer(next) {
      handler = next;
    },
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

/** What a streamed answer cost the server: bytes handed to the socket, and whether the client hung up. */
interface Stream {
  sent: number;
  closed: boolean;
}

/**
 * Streams 1.2 GB of JSON-looking whitespace with backpressure, one reused
 * 64 kB chunk at a time: the test itself never holds more than that.
 */
function streamHuge(status: number, stream: Stream, headers: Readonly<Record<string, string>> = {}): Handler {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  function* body(): Generator<Buffer> {
    yield Buffer.from('{"models":[');
    while (stream.sent < 1200 * MEGABYTE) {
      stream.sent += chunk.length;
      yield chunk;
    }
    yield Buffer.from(']}');
  }
  return (request, response) => {
    request.resume();
    response.on('close', () => {
      stream.closed = true;
    });
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    pipeline(Readable.from(body()), response).catch(() => undefined);
  };
}

/** Runs `work`, sampling this process's resident memory, and says how far it rose above where it began. */
async function rssGrowth<T>(
  work: () => Promise<T>,
): Promise<{ result: PromiseSettledResult<T>; growthBytes: number; ms: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  const started = performance.now();
  const [result] = await Promise.allSettled([work()]);
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { result, growthBytes: peak - before, ms };
}

async function until(condition: () => boolean, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return condition();
}

const rejection = (result: PromiseSettledResult<unknown>): string =>
  result.status === 'rejected' ? (result.reason as Error).message : 'it was read';

let hostile: Hostile;
let elsewhere: FakeOllama;
beforeAll(async () => {
  [hostile, elsewhere] = await Promise.all([startHostile(), startFakeOllama()]);
  // One small exchange first, so loading the HTTP client is not counted as memory an answer took.
  await new OllamaClient(hostile.endpoint, 2000).residentModels().catch(() => undefined);
});
afterAll(async () => {
  await Promise.all([hostile.close(), elsewhere.close()]);
});

describe('an Ollama answer without end', () => {
  it(
    'is cut off at 8 MB: the source reads as down, the connection is closed, and memory stays put',
    { timeout: 30_000 },
    async () => {
      expect(ANSWER_LIMIT_BYTES).toBe(8 * MEGABYTE);
      const stream: Stream = { sent: 0, closed: false };
      hostile.answer(streamHuge(200, stream));
      // A timeout generous enough for 1.2 GB on a busy machine: what stops the read must be the cap.
      const { result, growthBytes, ms } = await rssGrowth(() =>
        new OllamaClient(hostile.endpoint, 15_000).residentModels(),
      );
      expect(rejection(result)).toBe('Ollama: answer over 8 MB, not read');
      expect(ms).toBeLessThan(10_000);
      expect(growthBytes).toBeLessThan(100 * MEGABYTE);
      // The monitor hung up: the server stops sending long before its 1.2 GB.
      expect(await until(() => stream.closed, 2000)).toBe(true);
      expect(stream.sent).toBeLessThan(64 * MEGABYTE);
    },
  );

  it('is not read at all when it says beforehand that it is over 8 MB', async () => {
    const stream: Stream = { sent: 0, closed: false };
    hostile.answer(streamHuge(200, stream, { 'content-length': String(1200 * MEGABYTE + 13) }));
    await expect(new OllamaClient(hostile.endpoint, 15_000).residentModels()).rejects.toThrow(
      /^Ollama: answer over 8 MB, not read$/,
    );
    expect(await until(() => stream.closed, 2000)).toBe(true);
    expect(stream.sent).toBeLessThan(64 * MEGABYTE);
  });

  it(
    'is cut off in an answer to an unload too, which then says what Ollama answered',
    { timeout: 30_000 },
    async () => {
      const stream: Stream = { sent: 0, closed: false };
      hostile.answer(streamHuge(500, stream));
      const ollama = new OllamaClient(hostile.endpoint, 15_000);
      const { result, growthBytes } = await rssGrowth(() => new ModelUnloader(ollama, TIMING).unload('codellama:13b'));
      expect(result).toMatchObject({
        status: 'fulfilled',
        value: { ok: false, failure: 'refused', error: 'Ollama refused: HTTP 500 (answer over 8 MB, not read)' },
      });
      expect(growthBytes).toBeLessThan(100 * MEGABYTE);
      expect(await until(() => stream.closed, 2000)).toBe(true);
      expect(stream.sent).toBeLessThan(64 * MEGABYTE);
    },
  );
});

describe('a redirect from Ollama', () => {
  const redirect =
    (status: number): Handler =>
    (request, response) => {
      request.resume();
      response.writeHead(status, { location: `${elsewhere.endpoint}${request.url ?? '/'}` }).end();
    };

  it.each([301, 302, 307, 308])(
    'to another server is refused for /api/ps (HTTP %i), and nothing reaches that server',
    async (status) => {
      hostile.answer(redirect(status));
      await expect(new OllamaClient(hostile.endpoint, 2000).residentModels()).rejects.toThrow(
        `Ollama answered with a redirect (HTTP ${String(status)}), not followed`,
      );
      expect(elsewhere.requests).toEqual([]);
    },
  );

  it.each([307, 308, 301])(
    'to another server is refused for an unload (HTTP %i): the unload request is never sent there',
    async (status) => {
      hostile.answer(redirect(status));
      const outcome = await new ModelUnloader(new OllamaClient(hostile.endpoint, 2000), TIMING).unload('codellama:13b');
      expect(outcome).toMatchObject({
        ok: false,
        failure: 'refused',
        error: `Ollama answered with a redirect (HTTP ${String(status)}), not followed`,
      });
      expect([elsewhere.requests, elsewhere.received]).toEqual([[], []]);
      expect(hostile.requests.at(-1)).toBe('POST /api/generate');
    },
  );
});

describe("Ollama's error text of 100 kB", () => {
  const longError = JSON.stringify({ error: 'x'.repeat(100_000) });
  const cut = `${'x'.repeat(500)}… (cut from 100,000 characters)`;

  it('is cut in the reason /api/ps could not be read', async () => {
    hostile.answer((_, response) => response.writeHead(500, { 'content-type': 'application/json' }).end(longError));
    await expect(new OllamaClient(hostile.endpoint, 2000).residentModels()).rejects.toThrow(
      new RegExp(`^Ollama answered HTTP 500: ${cut.replace(/[()]/g, '\\$&')}$`),
    );
  });

  it("is cut in an unload's outcome", async () => {
    hostile.answer((request, response) => {
      request.resume();
      response.writeHead(500, { 'content-type': 'application/json' }).end(longError);
    });
    const outcome = await new ModelUnloader(new OllamaClient(hostile.endpoint, 2000), TIMING).unload('codellama:13b');
    expect(outcome).toMatchObject({ ok: false, failure: 'refused', error: `Ollama refused: ${cut}` });
  });
});

const recorded = (JSON.parse(RECORDED_PS) as { models: Array<Record<string, unknown>> }).models;
// Where promtool is missing, one test leaves out its check (recorded for the run's summary).
const noPromtool = promtoolMissing();

/** Each sample line's name and labels: the series it gives. */
const seriesOf = (metrics: string): string[] =>
  metrics
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.slice(0, line.lastIndexOf(' ')));

describe('a model Ollama lists twice', () => {
  const [deepseek, codellama] = recorded;
  const listing = JSON.stringify({
    models: [
      codellama,
      deepseek,
      { ...codellama, size: 1000, size_vram: 0 },
      { ...deepseek, name: 'deepseek-coder:6.7b' },
      { name: 'qwen', size: 10 },
      { name: 'qwen:latest', size: 20 },
    ],
  });

  it('is kept once, the first time, and each copy is dropped with its reason', async () => {
    hostile.answer((_, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(listing));
    const { value, dropped } = await new OllamaClient(hostile.endpoint, 2000).residentModels();
    expect(value.models.map((model) => [model.name, model.sizeBytes])).toEqual([
      ['codellama:13b', 8808038400],
      ['deepseek-coder:6.7b', 4569768960],
      ['qwen', 10],
    ]);
    expect(value.total).toBe(3);
    expect(dropped).toEqual([
      'ollama model #3: codellama:13b listed again; the first kept',
      'ollama model #4: deepseek-coder:6.7b listed again; the first kept',
      'ollama model #6: qwen:latest listed again; the first kept',
    ]);

    const metrics = renderMetrics(
      snapshotAt(NOW, { ollama: ok({ ...value, models: [...value.models] }, [...dropped]) }),
      { version: '0.0.0', commit: 'test' },
    );
    const series = seriesOf(metrics);
    expect(series.filter((line, index) => series.indexOf(line) !== index)).toEqual([]);
    expect(series.filter((line) => line.startsWith('delegator_model_agents{'))).toEqual([
      'delegator_model_agents{model="codellama:13b"}',
      'delegator_model_agents{model="deepseek-coder:6.7b"}',
      'delegator_model_agents{model="qwen"}',
    ]);
    expect(metrics).toContain('delegator_source_entries_dropped{source="ollama"} 3\n');
    // promtool does not look for a series given twice (the checks above do), but must still have nothing to say.
    if (noPromtool === null) {
      const checked = spawnSync(PROMTOOL, ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
      expect([checked.status, checked.stdout + checked.stderr]).toEqual([0, '']);
    }
  });

  it('never gives a /metrics series twice, even from a reading that holds it twice', () => {
    const snapshot = snapshotAt(NOW, {
      ollama: ok({ models: [ollamaModel('codellama:13b', 8), ollamaModel('codellama:13b', 7)] }),
    });
    const metrics = renderMetrics(snapshot, { version: '0.0.0', commit: 'test' });
    const series = seriesOf(metrics);
    expect(series.filter((line, index) => series.indexOf(line) !== index)).toEqual([]);
    expect(series.filter((line) => line.startsWith('delegator_model_memory_bytes{'))).toEqual([
      'delegator_model_memory_bytes{model="codellama:13b",memory="ram"}',
      'delegator_model_memory_bytes{model="codellama:13b",memory="vram"}',
    ]);
  });
});

describe('sizes no machine has', () => {
  it('drop the entry with its reason: more VRAM than the whole model, or over a petabyte', async () => {
    const [deepseek, codellama] = recorded;
    const models = [
      deepseek,
      { ...codellama, size_vram: 1e15 },
      { name: 'huge:1b', size: 2 ** 51, size_vram: 0 },
      { name: 'vram-huge:1b', size: 1000, size_vram: 2 ** 51 },
    ];
    hostile.answer((_, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ models })),
    );
    const { value, dropped } = await new OllamaClient(hostile.endpoint, 2000).residentModels();
    expect(value.models.map((model) => model.name)).toEqual(['deepseek-coder:6.7b']);
    expect(value.total).toBe(1);
    expect(dropped).toEqual([
      'ollama model #2: size_vram: more than size',
      'ollama model #3: size: over 1 PB',
      'ollama model #4: size_vram: over 1 PB; size_vram: more than size',
    ]);
  });
});
