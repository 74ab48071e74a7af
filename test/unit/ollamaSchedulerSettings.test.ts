import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/config';
import { modelLimitOf } from '../../src/main/core/ollamaScheduler';
import { effectiveEnv, settingsAsEnv } from '../../src/main/desktop/settings/effectiveEnv';
import { DEFAULT_SETTINGS } from '../../src/main/desktop/settings/settingsStore';
import { readNvidiaSmi } from '../../src/main/sources/machine/gpuMemory';
import { settingsSchema, type Settings } from '../../src/shared/settings';

const withOllama = (ollama: Settings['ollama']): Settings => ({ ...structuredClone(DEFAULT_SETTINGS), ollama });

describe("Ollama's scheduler in the desktop settings", () => {
  it("leaves Ollama's defaults alone when nothing is set, as a settings file from before has nothing", () => {
    const parsed = settingsSchema.parse({ connection: {} });
    expect(parsed.ollama).toEqual({ maxLoadedModels: 0, keepAlive: '' });
    const env = settingsAsEnv(parsed, null);
    expect(env).not.toHaveProperty('OLLAMA_MAX_LOADED_MODELS');
    expect(env).not.toHaveProperty('OLLAMA_KEEP_ALIVE');
    expect(loadConfig(env).ollamaScheduler).toEqual({ maxLoadedModels: null, keepAliveMs: 300_000 });
  });

  it('reach the configuration the forecast reads, as Ollama reads them', () => {
    const config = loadConfig(settingsAsEnv(withOllama({ maxLoadedModels: 2, keepAlive: '1h30m' }), null));
    expect(config.ollamaScheduler).toEqual({ maxLoadedModels: 2, keepAliveMs: 5_400_000 });
    expect(
      loadConfig(settingsAsEnv(withOllama({ maxLoadedModels: 0, keepAlive: '-1' }), null)).ollamaScheduler.keepAliveMs,
    ).toBeNull();
  });

  it('give way to the variables set in the environment, and say so on the screen', () => {
    const { env, overriddenBy } = effectiveEnv(withOllama({ maxLoadedModels: 2, keepAlive: '10m' }), null, {
      OLLAMA_MAX_LOADED_MODELS: '6',
      OLLAMA_KEEP_ALIVE: '30s',
    });
    expect(loadConfig(env).ollamaScheduler).toEqual({ maxLoadedModels: 6, keepAliveMs: 30_000 });
    expect(overriddenBy).toMatchObject({
      'ollama.maxLoadedModels': 'OLLAMA_MAX_LOADED_MODELS',
      'ollama.keepAlive': 'OLLAMA_KEEP_ALIVE',
    });
  });

  it('refuse a keep-alive Ollama would not read, rather than stop the monitor at its next start', () => {
    const result = settingsSchema.safeParse({
      connection: {},
      ollama: { maxLoadedModels: 0, keepAlive: 'five minutes' },
    });
    expect(result.success).toBe(false);
    expect(settingsSchema.safeParse({ connection: {}, ollama: { maxLoadedModels: 1001, keepAlive: '' } }).success).toBe(
      false,
    );
  });
});

describe("Ollama's default model limit", () => {
  const defaults = { maxLoadedModels: null, keepAliveMs: 300_000 };

  it('counts the GPUs that report their memory, as read from two cards, 3 models each', () => {
    // Two RTX 4090s, as `nvidia-smi --query-gpu=memory.total,memory.used --format=csv,noheader,nounits` prints them.
    const gpus = readNvidiaSmi('24564, 13320\r\n24564, 1\r\n');
    expect(gpus.memory).toEqual({ totalBytes: 2 * 24564 * 1024 ** 2, usedBytes: 13321 * 1024 ** 2, count: 2 });
    expect(modelLimitOf(defaults, gpus.memory?.count ?? 0)).toBe(6);
  });
});
