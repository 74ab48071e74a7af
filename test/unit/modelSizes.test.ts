import { describe, expect, it } from 'vitest';
import { ROLE_MODELS } from '../../src/main/core/echoRoster';
import { keepAliveMs, LoadedModels } from '../../src/main/simulator/loadedModels';
import { MODEL_SIZES, modelFootprint } from '../../src/main/simulator/modelSizes';

const GB = 1e9;
const MINUTE = 60_000;

describe('modelFootprint', () => {
  it("knows every model of ECHO's roster", () => {
    for (const model of Object.values(ROLE_MODELS)) expect(MODEL_SIZES[model], model).toBeDefined();
  });

  it.each([
    ['deepseek-coder:6.7b', 4.57, 'Q4_0'],
    ['mistral:7b', 4.9, 'Q4_0'],
    ['llama3.1:8b', 5.6, 'Q4_K_M'],
    ['codellama:13b', 8.81, 'Q4_0'],
    ['llama3.2-vision:11b', 9.3, 'Q4_K_M'],
    ['qwen2.5:14b', 10.2, 'Q4_K_M'],
    ['deepseek-coder:33b', 20.3, 'Q4_0'],
  ])('gives %s as Ollama holds it: %s GB, %s', (model, gb, quantization) => {
    const footprint = modelFootprint(model);
    expect(footprint.sizeBytes / GB).toBeCloseTo(gb, 2);
    expect(footprint.quantization).toBe(quantization);
    expect(Number.isInteger(footprint.sizeBytes)).toBe(true);
  });

  it('is well below the estimate of 1 GB per billion parameters, and above the bare weights', () => {
    for (const [model, footprint] of Object.entries(MODEL_SIZES)) {
      const billions = Number.parseFloat(footprint.parameterSize);
      expect(footprint.sizeBytes / GB, model).toBeLessThan(billions);
      expect(footprint.sizeBytes / GB, model).toBeGreaterThan(billions * 0.56);
    }
  });

  it('sizes a model it does not know by its tag: 0.6 GB per billion parameters plus 0.8 GB', () => {
    expect(modelFootprint('phi3:14b')).toEqual({
      sizeBytes: 9_200_000_000,
      parameterSize: '14B',
      quantization: 'Q4_K_M',
      family: 'phi',
      layers: 40,
    });
    expect(modelFootprint('mixtral:8x7b').sizeBytes).toBe(34_400_000_000);
    // A tag that names no size is taken as the common 7B.
    expect(modelFootprint('llava').sizeBytes).toBe(5_000_000_000);
  });

  it('gives each model the layers its architecture has, by which Ollama splits it between GPU and RAM', () => {
    expect(modelFootprint('deepseek-coder:33b').layers).toBe(62);
    expect(modelFootprint('qwen2.5:14b').layers).toBe(48);
    expect(modelFootprint('llama3.2:3b').layers).toBe(28);
    expect(modelFootprint('llama3.1:70b').layers).toBe(80);
    expect(modelFootprint('llava').layers).toBe(32);
  });
});

describe('LoadedModels', () => {
  const T0 = Date.parse('2026-11-24T14:30:00Z');

  it('loads a model on use, keeps it 5 minutes after its last use, and lets it go after that', () => {
    const models = new LoadedModels(1);
    models.use('deepseek-coder:6.7b', T0);
    expect(models.list(T0).map((entry) => entry.expires_at)).toEqual(['2026-11-24T14:35:00.000Z']);
    models.use('deepseek-coder:6.7b', T0 + 2 * MINUTE);
    expect(models.list(T0 + 6 * MINUTE).map((entry) => entry.expires_at)).toEqual(['2026-11-24T14:37:00.000Z']);
    expect(models.list(T0 + 7 * MINUTE)).toEqual([]);
  });

  it("lists entries in Ollama's format, the latest expiry first", () => {
    const models = new LoadedModels(1);
    models.use('codellama:13b', T0);
    models.use('deepseek-coder:6.7b', T0 + MINUTE);
    const [first, second] = models.list(T0 + MINUTE);
    expect(first).toMatchObject({
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
      context_length: 4096,
    });
    expect(second?.name).toBe('codellama:13b');
    for (const entry of [first, second]) {
      expect(entry?.size_vram).toBeGreaterThanOrEqual(0);
      expect(entry?.size_vram).toBeLessThanOrEqual(entry?.size ?? 0);
    }
  });

  it('unloads a model, by its bare name too', () => {
    const models = new LoadedModels(1);
    models.use('mistral', T0);
    expect(models.list(T0).map((entry) => entry.name)).toEqual(['mistral:latest']);
    expect(models.unload('mistral:latest')).toBe(true);
    expect(models.unload('mistral')).toBe(false);
    expect(models.list(T0)).toEqual([]);
  });
});

describe('keepAliveMs', () => {
  it.each([
    [0, 0],
    ['0', 0],
    [30, 30_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['90s', 90_000],
  ])('reads %j as %i ms', (value, ms) => {
    expect(keepAliveMs(value)).toBe(ms);
  });

  it('reads a negative value as forever, about 292 years', () => {
    expect((keepAliveMs(-1) ?? 0) / (365.25 * 86_400_000)).toBeCloseTo(292, 0);
    expect(keepAliveMs('-1m')).toBe(keepAliveMs(-1));
  });

  it('leaves what it cannot read to the default', () => {
    expect(keepAliveMs(undefined)).toBeNull();
    expect(keepAliveMs('soon')).toBeNull();
  });
});
