import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusText } from '../../src/main/cli/statusText';
import { renderMetrics } from '../../src/main/core/views/metrics';
import { MODEL_LIMIT, OllamaClient } from '../../src/main/sources/ollama/ollamaClient';
import { gib } from '../support/bytes';
import { refusingAddress } from '../support/deadServers';
import { RECORDED_PS, startFakeOllama, type FakeOllama } from '../support/fakeOllama';
import { ok } from '../support/readings';
import { snapshotAt } from '../support/snapshots';

/** An answer kept in test/fixtures, each naming where its shape comes from. */
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

let ollama: FakeOllama;
beforeAll(async () => {
  ollama = await startFakeOllama();
});
afterAll(async () => {
  await ollama.close();
});

describe('OllamaClient', () => {
  it("reads Ollama's recorded /api/ps answer", async () => {
    ollama.behave({ kind: 'answer', body: RECORDED_PS });
    const { value, dropped } = await new OllamaClient(ollama.endpoint, 1000).residentModels();
    expect(dropped).toEqual([]);
    // Biggest first.
    expect(value.models).toEqual([
      { name: 'codellama:13b', sizeBytes: 8808038400, vramBytes: 0, expiresAt: Date.parse('2026-11-24T14:34:10.002Z') },
      {
        name: 'deepseek-coder:6.7b',
        sizeBytes: 4569768960,
        vramBytes: 4569768960,
        expiresAt: Date.parse('2026-11-24T14:33:05.318Z'),
      },
    ]);
    expect([value.total, value.unlistedBytes]).toEqual([2, 0]);
    expect(ollama.requests.at(-1)).toBe('GET /api/ps');
  });

  it('lists the biggest 200 of 100,008 models, and counts the rest and what they hold', async () => {
    const models = Array.from({ length: 100_008 }, (_, index) => ({
      name: `model-${String(index)}:1b`,
      size: 1_000_000 + index,
      size_vram: 0,
    }));
    ollama.behave({ kind: 'answer', body: JSON.stringify({ models }) });
    const { value } = await new OllamaClient(ollama.endpoint, 10_000).residentModels();
    expect([value.models.length, value.total, value.models[0]?.name]).toEqual([
      MODEL_LIMIT,
      100_008,
      'model-100007:1b',
    ]);
    const listed = value.models.reduce((sum, model) => sum + (model.sizeBytes ?? 0), 0);
    expect(listed + value.unlistedBytes).toBe(models.reduce((sum, model) => sum + model.size, 0));
  });

  it('leaves out a model whose name is longer than any Ollama gives', async () => {
    ollama.behave({ kind: 'answer', body: JSON.stringify({ models: [{ name: 'x'.repeat(300), size: 1 }] }) });
    const { value, dropped } = await new OllamaClient(ollama.endpoint, 1000).residentModels();
    expect([value.models, dropped]).toEqual([[], ['ollama model #1: name: longer than 255 characters']]);
  });

  it('reads no models as none', async () => {
    ollama.behave({ kind: 'answer', body: '{"models":[]}' });
    expect((await new OllamaClient(ollama.endpoint, 1000).residentModels()).value.models).toEqual([]);
  });

  it('drops entries it cannot read and keeps the rest', async () => {
    const good = (JSON.parse(RECORDED_PS) as { models: unknown[] }).models[0];
    ollama.behave({
      kind: 'answer',
      body: JSON.stringify({ models: [good, { name: 'broken', size: 'big' }, 'nonsense'] }),
    });
    const { value, dropped } = await new OllamaClient(ollama.endpoint, 1000).residentModels();
    expect(value.models.map((model) => model.name)).toEqual(['deepseek-coder:6.7b']);
    expect(dropped).toEqual([
      expect.stringMatching(/^ollama model #2: size:/),
      expect.stringMatching(/^ollama model #3: value:/),
    ]);
  });

  it('reads a model Podman AI Lab lists without a size as loaded, of unknown size rather than 0 GB', async () => {
    ollama.behave({ kind: 'answer', body: fixture('ollama-ps-podman-ai-lab.json') });
    const { value, dropped } = await new OllamaClient(ollama.endpoint, 1000).residentModels();
    expect(dropped).toEqual([]);
    // The one of unknown size first: it may be the biggest.
    expect(value.models).toEqual([
      { name: 'ibm-granite/granite-8b-code-instruct', sizeBytes: null, vramBytes: 0, expiresAt: null },
      { name: 'instructlab/granite-7b-lab-GGUF', sizeBytes: 4080218931, vramBytes: 0, expiresAt: null },
    ]);
    expect([value.total, value.unlistedBytes]).toEqual([2, 0]);
  });

  it('reads a size of 0 as unknown, GPU share and all: no loaded model takes nothing', async () => {
    const models = [
      { name: 'llama3.1:8b', model: 'llama3.1:8b', size: 0, digest: '46e0c10c039e' },
      // 0 in all is no whole to hold the GPU share against, so the entry is kept.
      { name: 'qwen2.5:14b', model: 'qwen2.5:14b', size: 0, size_vram: 4 * 1024 ** 3 },
    ];
    ollama.behave({ kind: 'answer', body: JSON.stringify({ models }) });
    const { value, dropped } = await new OllamaClient(ollama.endpoint, 1000).residentModels();
    expect(dropped).toEqual([]);
    expect(value.models).toEqual([
      { name: 'llama3.1:8b', sizeBytes: null, vramBytes: 0, expiresAt: null },
      { name: 'qwen2.5:14b', sizeBytes: null, vramBytes: 4 * 1024 ** 3, expiresAt: null },
    ]);
  });

  it('never leaves a model of unknown size out of the list, so the totals can tell they are unknown', async () => {
    const known = Array.from({ length: MODEL_LIMIT }, (_, index) => ({
      name: `model-${String(index)}:1b`,
      size: 2_000_000 + index,
    }));
    ollama.behave({
      kind: 'answer',
      body: JSON.stringify({
        models: [...known, { name: 'tiny:1b', size: 1_000_000 }, { name: 'unsized:1b', size: 0 }],
      }),
    });
    const { value } = await new OllamaClient(ollama.endpoint, 1000).residentModels();
    expect([value.models.length, value.total, value.models[0]?.name]).toEqual([
      MODEL_LIMIT,
      MODEL_LIMIT + 2,
      'unsized:1b',
    ]);
    expect(value.models.map((model) => model.name)).not.toContain('tiny:1b');
    // Two of the smallest known sizes are unlisted now, the 1 MB one and the smallest of the rest.
    expect(value.unlistedBytes).toBe(1_000_000 + 2_000_000);
  });

  it('reads Ollama 0.1.38 to 0.1.41 leaving size_vram out as a model wholly in RAM', async () => {
    ollama.behave({ kind: 'answer', body: fixture('ollama-ps-0.1.38-cpu.json') });
    const { value, dropped } = await new OllamaClient(ollama.endpoint, 1000).residentModels();
    expect(dropped).toEqual([]);
    expect(value.models).toEqual([
      { name: 'codellama:13b', sizeBytes: 8808038400, vramBytes: 0, expiresAt: Date.parse('2024-05-20T14:34:10.002Z') },
    ]);
  });

  it('names the version that brought /api/ps when it is not found, as on an Ollama older than 0.1.38', async () => {
    // What such a server answers for a route it lacks: gin's plain "404 page not found" (ollama/ollama#867, #1467,
    // #4490).
    ollama.behave({ kind: 'answer', body: '404 page not found', status: 404 });
    const failure = await new OllamaClient(ollama.endpoint, 1000).residentModels().then(
      () => null,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    expect(failure).toBe(
      'Ollama answered 404 to /api/ps: Ollama 0.1.38 or later is needed to see loaded models (this server may be older, or not Ollama)',
    );
  });

  it.each([
    [{ kind: 'answer' as const, body: '<html>gateway</html>' }, 'Ollama: the answer to /api/ps is not JSON'],
    [{ kind: 'answer' as const, body: '{"error":"nope"}' }, 'Ollama: unexpected answer to /api/ps (models:'],
    [{ kind: 'answer' as const, body: 'oops', status: 500 }, 'Ollama answered HTTP 500'],
    [
      { kind: 'answer' as const, body: '{"error":"llama runner process has terminated"}', status: 500 },
      'Ollama answered HTTP 500: llama runner process has terminated',
    ],
  ])('rejects a garbage answer with a clear reason: %j', async (behaviour, reason) => {
    ollama.behave(behaviour);
    await expect(new OllamaClient(ollama.endpoint, 1000).residentModels()).rejects.toThrow(reason);
  });

  it('gives up on an Ollama that hangs, within its timeout', async () => {
    ollama.behave({ kind: 'hang' });
    await expect(new OllamaClient(ollama.endpoint, 300).residentModels()).rejects.toThrow(/Ollama: .*timeout/i);
  });

  it('names a refused connection', async () => {
    const dead = await refusingAddress();
    await expect(new OllamaClient(`http://${dead.host}:${dead.port}`, 1000).residentModels()).rejects.toThrow(
      `Ollama: connect ECONNREFUSED ${dead.host}:${dead.port}`,
    );
  });
});

describe('models an Ollama-compatible server lists without their size', () => {
  it('are loaded at their estimate in every view, never at 0 GB, and no size is made up in /metrics', async () => {
    // The seed's two agents' models: one with no size at all (Podman AI Lab), one with a size of 0.
    const models = [
      { name: 'deepseek-coder:6.7b', model: 'deepseek-coder:6.7b', digest: 'ce298d984115' },
      { name: 'codellama:13b', model: 'codellama:13b', size: 0, digest: '9f438cb9cd58' },
    ];
    ollama.behave({ kind: 'answer', body: JSON.stringify({ models }) });
    const { value, dropped } = await new OllamaClient(ollama.endpoint, 1000).residentModels();
    const snapshot = snapshotAt(Date.parse('2026-11-24T14:28:28Z'), {
      ollama: ok({ ...value, models: [...value.models] }, [...dropped]),
    });

    expect(
      snapshot.agents?.map((agent) => [
        agent.role,
        agent.memoryBytes,
        agent.memory.modelLoaded,
        agent.memory.ollamaBytes,
      ]),
    ).toEqual([
      ['senior_developer', gib(6.7), true, null],
      ['test_lead', gib(13), true, null],
    ]);
    // Listed as loaded at the estimate, and saying it is one.
    expect(snapshot.residentModels?.map((model) => [model.name, model.sizeBytes, model.sizeFrom])).toEqual([
      ['codellama:13b', gib(13), 'estimate'],
      ['deepseek-coder:6.7b', gib(6.7), 'estimate'],
    ]);
    // Nothing was read: the total is the estimate and says so, and no share of RAM is claimed.
    expect(snapshot.summary).toMatchObject({
      memoryBytes: gib(6.7) + gib(13),
      memorySource: 'estimated',
      measuredMemoryBytes: null,
      measuredRamBytes: null,
      memoryPctOfRam: null,
      residentModelsBytes: null,
    });

    const metrics = renderMetrics(snapshot, { version: '0.0.0', commit: 'test' });
    expect(metrics).toContain(
      'delegator_agent_memory_bytes{role="test_lead",model="codellama:13b",reading="estimated"} ',
    );
    expect(metrics).not.toContain('reading="ollama"');
    expect(metrics).not.toContain('reading="vram"');
    expect(metrics).not.toContain('delegator_models_memory_bytes');
    expect(metrics).not.toContain('kind="measured"');

    const text = statusText(snapshot, { postgres: 'postgres', registry: 'redis', ollama: ollama.endpoint });
    expect(text).toMatch(/^ {2}Test Lead {3,}codellama:13b {3,}~13 GB \(no size\) {3,}/m);
    expect(text).toMatch(/^ {2}codellama:13b {3,}~13 GB {3,}\? {3,}/m);
    expect(text).toMatch(/^RAM {9}~19\.7 GB used by agents, estimated, of 32 GB/m);
    expect(text).not.toMatch(/(^|[^.\d])0 GB/);
  });
});
