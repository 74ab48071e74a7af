import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoGpu, gpuAvailableBytes, gpuBytesFor } from '../../src/main/simulator/gpuPlacement';
import { modelFootprint } from '../../src/main/simulator/modelSizes';
import { startOllamaStandIn, type OllamaStandIn } from '../../src/main/simulator/ollamaStandIn';
import { ModelUnloader } from '../../src/main/sources/ollama/modelUnloader';
import { OllamaClient } from '../../src/main/sources/ollama/ollamaClient';

const T0 = Date.parse('2026-11-24T14:30:00Z');
const MINUTE = 60_000;

let now = T0;
let standIn: OllamaStandIn;
let client: OllamaClient;

beforeEach(async () => {
  now = T0;
  standIn = await startOllamaStandIn({ seed: 20251112, clock: { now: () => now } });
  client = new OllamaClient(standIn.endpoint, 2000);
});
afterEach(async () => {
  await standIn.close();
});

const generate = (body: unknown): Promise<Response> =>
  fetch(`${standIn.endpoint}/api/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('the Ollama stand-in', () => {
  it('listens on loopback only', () => {
    expect(standIn.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("answers /api/ps in Ollama's format, which the monitor's own client reads in full", async () => {
    expect(await client.residentModels()).toEqual({ value: { models: [], total: 0, unlistedBytes: 0 }, dropped: [] });
    standIn.use('deepseek-coder:6.7b');
    standIn.use('deepseek-coder:33b');
    const { value, dropped } = await client.residentModels();
    expect(dropped).toEqual([]);
    // Biggest first, as the client lists them; the first loaded fits the GPU, the second is split by layers in what it
    // left.
    const splitBytes = gpuBytesFor(
      modelFootprint('deepseek-coder:33b'),
      gpuAvailableBytes(demoGpu(20251112), 4_569_768_960),
    );
    expect(splitBytes).toBeGreaterThan(6e9);
    expect(value.models).toEqual([
      { name: 'deepseek-coder:33b', sizeBytes: 20_300_000_000, vramBytes: splitBytes, expiresAt: T0 + 5 * MINUTE },
      { name: 'deepseek-coder:6.7b', sizeBytes: 4_569_768_960, vramBytes: 4_569_768_960, expiresAt: T0 + 5 * MINUTE },
    ]);
    expect(standIn.loaded().map((entry) => entry.size_vram)).toEqual([4_569_768_960, splitBytes]);
    const response = await fetch(`${standIn.endpoint}/api/ps`);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const raw = (await response.json()) as { models: Record<string, unknown>[] };
    expect(raw.models[0]).toEqual({
      name: 'deepseek-coder:6.7b',
      model: 'deepseek-coder:6.7b',
      size: 4_569_768_960,
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      details: {
        parent_model: '',
        format: 'gguf',
        family: 'llama',
        families: ['llama'],
        parameter_size: '6.7B',
        quantization_level: 'Q4_0',
      },
      expires_at: '2026-11-24T14:35:00.000Z',
      size_vram: 4_569_768_960,
      context_length: 4096,
    });
  });

  it('answers /api/version', async () => {
    const response = await fetch(`${standIn.endpoint}/api/version`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ version: '0.12.3' });
  });

  it("moves a model's expiry on with each use, and lets it go 5 minutes after the last", async () => {
    standIn.use('codellama:13b');
    now = T0 + 3 * MINUTE;
    standIn.use('codellama:13b');
    now = T0 + 6 * MINUTE;
    expect((await client.residentModels()).value.models.map((model) => model.expiresAt)).toEqual([T0 + 8 * MINUTE]);
    now = T0 + 8 * MINUTE;
    expect((await client.residentModels()).value.models).toEqual([]);
  });

  it("unloads on Ollama's documented request, answering as Ollama does", async () => {
    standIn.use('llama3.1:8b');
    standIn.use('mistral:7b');
    const response = await generate({ model: 'llama3.1:8b', keep_alive: 0 });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      model: 'llama3.1:8b',
      created_at: new Date(T0).toISOString(),
      response: '',
      done: true,
      done_reason: 'unload',
    });
    expect((await client.residentModels()).value.models.map((model) => model.name)).toEqual(['mistral:7b']);
  });

  it("lets the monitor's Unload work end to end", async () => {
    standIn.use('qwen2.5:14b');
    const outcome = await new ModelUnloader(client, { confirmWithinMs: 1000, checkEveryMs: 50 }).unload('qwen2.5:14b');
    expect(outcome).toMatchObject({ ok: true });
    expect((await client.residentModels()).value.models).toEqual([]);
  });

  it('loads a model on a generate request without a prompt, for as long as it asks', async () => {
    const response = await generate({ model: 'mistral:7b', keep_alive: '10m' });
    expect(await response.json()).toMatchObject({ model: 'mistral:7b', done: true, done_reason: 'load' });
    expect((await client.residentModels()).value.models).toEqual([
      expect.objectContaining({ name: 'mistral:7b', expiresAt: T0 + 10 * MINUTE }),
    ]);
  });

  it('refuses what Ollama refuses', async () => {
    const missing = await generate({ keep_alive: 0 });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: expect.stringContaining('model') });
    const notJson = await fetch(`${standIn.endpoint}/api/generate`, { method: 'POST', body: 'unload please' });
    expect(notJson.status).toBe(400);
    expect((await fetch(`${standIn.endpoint}/api/tags`)).status).toBe(404);
    expect((await fetch(`${standIn.endpoint}/api/ps`, { method: 'DELETE' })).status).toBe(405);
  });

  it('closes with connections still open', async () => {
    await fetch(`${standIn.endpoint}/api/ps`, { headers: { connection: 'keep-alive' } });
    const closing = standIn.close();
    await expect(closing).resolves.toBeUndefined();
    await expect(client.residentModels()).rejects.toThrow(/ECONNREFUSED/);
    // A fresh one for afterEach to close.
    standIn = await startOllamaStandIn({ seed: 1 });
  });
});
