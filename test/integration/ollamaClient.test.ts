import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_LIMIT, OllamaClient } from '../../src/main/sources/ollamaClient';
import { refusingAddress } from '../support/deadServers';
import { RECORDED_PS, startFakeOllama, type FakeOllama } from '../support/fakeOllama';

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
      { name: 'deepseek-coder:6.7b', sizeBytes: 4569768960, vramBytes: 4569768960, expiresAt: Date.parse('2026-11-24T14:33:05.318Z') },
    ]);
    expect([value.total, value.unlistedBytes]).toEqual([2, 0]);
    expect(ollama.requests.at(-1)).toBe('GET /api/ps');
  });

  it('lists the biggest 200 of 100,008 models, and counts the rest and what they hold', async () => {
    const models = Array.from({ length: 100_008 }, (_, index) => ({ name: `model-${String(index)}:1b`, size: 1_000_000 + index, size_vram: 0 }));
    ollama.behave({ kind: 'answer', body: JSON.stringify({ models }) });
    const { value } = await new OllamaClient(ollama.endpoint, 10_000).residentModels();
    expect([value.models.length, value.total, value.models[0]?.name]).toEqual([MODEL_LIMIT, 100_008, 'model-100007:1b']);
    const listed = value.models.reduce((sum, model) => sum + model.sizeBytes, 0);
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
    ollama.behave({ kind: 'answer', body: JSON.stringify({ models: [good, { name: 'broken' }, 'nonsense'] }) });
    const { value, dropped } = await new OllamaClient(ollama.endpoint, 1000).residentModels();
    expect(value.models.map((model) => model.name)).toEqual(['deepseek-coder:6.7b']);
    expect(dropped).toEqual([expect.stringMatching(/^ollama model #2: size:/), expect.stringMatching(/^ollama model #3: value:/)]);
  });

  it.each([
    [{ kind: 'answer' as const, body: '<html>gateway</html>' }, 'Ollama: the answer to /api/ps is not JSON'],
    [{ kind: 'answer' as const, body: '{"error":"nope"}' }, 'Ollama: unexpected answer to /api/ps (models:'],
    [{ kind: 'answer' as const, body: 'oops', status: 500 }, 'Ollama answered HTTP 500'],
    [{ kind: 'answer' as const, body: '{"error":"llama runner process has terminated"}', status: 500 }, 'Ollama answered HTTP 500: llama runner process has terminated'],
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
