import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { unloadCommand } from '../../src/main/cli/unloadCommand';
import { loadConfig } from '../../src/main/config';
import { refusingAddress } from '../support/deadServers';
import { RECORDED_PS, startFakeOllama, type FakeOllama, type ReceivedRequest } from '../support/fakeOllama';
import { runCliProcess } from '../support/runCliProcess';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let ollama: FakeOllama;
let env: Record<string, string>;

beforeAll(async () => {
  ollama = await startFakeOllama();
  // Unloading touches neither PostgreSQL nor Redis: addresses where nothing listens prove it.
  const dead = await refusingAddress();
  env = {
    DATABASE_URL: `postgres://u@${dead.host}:${dead.port}/db`,
    REDIS_URL: `redis://${dead.host}:${dead.port}`,
    OLLAMA_ENDPOINT: ollama.endpoint,
  };
});

afterAll(async () => {
  await ollama.close();
});

beforeEach(() => {
  ollama.behave({ kind: 'answer', body: RECORDED_PS });
  ollama.unloads({ kind: 'drop' });
  ollama.received.length = 0;
});

const unloadRequests = (): ReceivedRequest[] => ollama.received.filter((request) => request.path === '/api/generate');
const psListing = (...names: string[]): string =>
  JSON.stringify({ models: names.map((name) => ({ name, model: name, size: 1024 ** 3 })) });

/** In this process, with a confirmation window short enough for a test. */
async function unloadHere(model: string, json = false) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await unloadCommand(
    loadConfig(env),
    { model, json },
    {
      env,
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      now: () => Date.now(),
      timeZone: 'UTC',
      untilStopped: () => new Promise(() => undefined),
    },
    { confirmWithinMs: 400, checkEveryMs: 50 },
  );
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('npm run cli -- unload', () => {
  it('asks Ollama with keep_alive 0 and exits 0 once the model has left /api/ps', async () => {
    // Ollama frees the memory a moment after agreeing: the command waits for /api/ps to show it.
    ollama.unloads({ kind: 'drop', afterMs: 300 });
    const run = await runCliProcess(['unload', 'deepseek-coder:6.7b'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Unloaded deepseek-coder:6.7b.\n');
    expect(unloadRequests()).toEqual([
      { method: 'POST', path: '/api/generate', body: { model: 'deepseek-coder:6.7b', keep_alive: 0 } },
    ]);
    const generateAt = ollama.received.findIndex((request) => request.path === '/api/generate');
    expect(
      ollama.received.slice(generateAt + 1).filter((request) => request.path === '/api/ps').length,
    ).toBeGreaterThan(1);
  });

  it('--json prints exactly ok and id', async () => {
    const run = await runCliProcess(['unload', 'codellama:13b', '--json'], env);
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual(['ok', 'id']);
    expect(printed).toEqual({ ok: true, id: expect.stringMatching(UUID) });
  });

  it("exits 1 with Ollama's reason when it refuses", async () => {
    ollama.unloads({ kind: 'refuse', status: 404, body: JSON.stringify({ error: 'model "mistral:7b" not found' }) });
    const run = await runCliProcess(['unload', 'mistral:7b'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('Could not unload mistral:7b: Ollama refused: model "mistral:7b" not found\n');
    const json = await runCliProcess(['unload', 'mistral:7b', '--json'], env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      id: expect.stringMatching(UUID),
      error: 'Ollama refused: model "mistral:7b" not found',
    });
  });

  it('exits 2 when Ollama agrees but keeps the model loaded', async () => {
    ollama.unloads({ kind: 'keep' });
    const run = await unloadHere('codellama:13b');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^Could not unload codellama:13b: Ollama still holds codellama:13b \d+ s after agreeing to unload it\n$/,
    );
    expect(unloadRequests()).toHaveLength(1);
  });

  it('takes a bare name for its :latest tag when confirming', async () => {
    ollama.behave({ kind: 'answer', body: psListing('deepseek-coder:latest', 'deepseek-coder:6.7b') });
    ollama.unloads({ kind: 'keep' });
    const kept = await unloadHere('deepseek-coder');
    expect(kept.code).toBe(2);
    expect(kept.stderr).toContain('Ollama still holds deepseek-coder ');
    ollama.unloads({ kind: 'drop' });
    const dropped = await unloadHere('deepseek-coder');
    expect(dropped).toMatchObject({ code: 0, stdout: 'Unloaded deepseek-coder.\n' });
  });

  it('exits 2 at once when Ollama cannot be reached', async () => {
    const dead = await refusingAddress();
    const run = await runCliProcess(['unload', 'codellama:13b'], {
      ...env,
      OLLAMA_ENDPOINT: `http://${dead.host}:${dead.port}`,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `Could not unload codellama:13b: Ollama could not be reached: connect ECONNREFUSED ${dead.host}:${dead.port}\n`,
    );
  });

  it('exits 2 saying the unload may still happen when Ollama takes the request and never answers', async () => {
    const silent = await startFakeOllama({ kind: 'hang' });
    try {
      const run = await runCliProcess(['unload', 'codellama:13b'], {
        ...env,
        OLLAMA_ENDPOINT: silent.endpoint,
        MONITOR_TIMEOUT_MS: '300',
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        'Could not unload codellama:13b: no answer from Ollama within 300 ms: the model may still be unloaded\n',
      );
    } finally {
      await silent.close();
    }
  });

  it('exits 2 with Ollama switched off, asking nobody', async () => {
    const run = await runCliProcess(['unload', 'codellama:13b', '--json'], { ...env, OLLAMA_ENDPOINT: 'off' });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      id: expect.stringMatching(UUID),
      error: 'Ollama is switched off (OLLAMA_ENDPOINT=off), so no model can be unloaded',
    });
    expect(ollama.received).toEqual([]);
  });
});
