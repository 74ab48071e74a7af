import { describe, expect, it } from 'vitest';
import type { MonitorEvent } from '../../src/shared/monitorEvent';
import { advancePipeline, initialPipelineState } from '../../src/main/core/pipeline';
import { failed, ok, ollamaModel, readingsAt, SETTINGS, type ReadingsOverrides } from '../support/readings';

const NOW = Date.parse('2026-11-24T14:28:28Z');
const POLL = 5000;

/** The events of each poll after the first, as the monitor logs them, from readings poll after poll. */
function eventsOf(polls: readonly ReadingsOverrides[]): MonitorEvent[][] {
  let state = initialPipelineState();
  return polls.map((readings, index) => {
    const step = advancePipeline(state, readingsAt(NOW + index * POLL, readings), SETTINGS);
    state = step.state;
    return step.events;
  });
}

const models = (...names: string[]): ReadingsOverrides => ({
  ollama: ok({ models: names.map((name) => ollamaModel(name, 4)) }),
});

const modelChanges = (events: readonly MonitorEvent[]): string[][] =>
  events
    .filter((event) => event.type === 'model_loaded' || event.type === 'model_unloaded')
    .map((event) => [event.type, event.model ?? '', event.message]);

describe('models Ollama loads and unloads, between two of its lists', () => {
  it('become events, each naming its model, with the size Ollama gave', () => {
    const [first, second, third] = eventsOf([
      models('llama3.1:8b'),
      models('llama3.1:8b', 'deepseek-coder:6.7b'),
      models('deepseek-coder:6.7b'),
    ]);
    // Loaded before the monitor first looked: nothing is known of when, so nothing is said.
    expect(modelChanges(first ?? [])).toEqual([]);
    expect(modelChanges(second ?? [])).toEqual([
      ['model_loaded', 'deepseek-coder:6.7b', 'Ollama loaded deepseek-coder:6.7b (4 GB)'],
    ]);
    expect(modelChanges(third ?? [])).toEqual([['model_unloaded', 'llama3.1:8b', 'Ollama unloaded llama3.1:8b']]);
    expect(third?.find((event) => event.type === 'model_unloaded')).toMatchObject({
      origin: 'monitor',
      at: new Date(NOW + 2 * POLL).toISOString(),
      id: `${new Date(NOW + 2 * POLL).toISOString()}:model_unloaded:llama3.1:8b`,
    });
  });

  it('mark a size Ollama did not give as the estimate', () => {
    const [, second] = eventsOf([
      models(),
      { ollama: ok({ models: [{ name: 'llama3.1:8b', sizeBytes: null, vramBytes: 0, expiresAt: null }] }) },
    ]);
    expect(modelChanges(second ?? [])[0]?.[2]).toMatch(/^Ollama loaded llama3\.1:8b \(~[\d.]+ GB\)$/);
  });

  it('are not invented when Ollama stops answering: a source that is down is no unload', () => {
    const [, down, stillDown] = eventsOf([
      models('llama3.1:8b', 'deepseek-coder:6.7b'),
      { ollama: failed('connect ECONNREFUSED 127.0.0.1:11434') },
      { ollama: failed('connect ECONNREFUSED 127.0.0.1:11434') },
    ]);
    expect(down?.map((event) => event.type)).toEqual(['source_down']);
    expect(stillDown).toEqual([]);
  });

  it('compare the first list after Ollama is back with the last one it gave', () => {
    const [, , back] = eventsOf([
      models('llama3.1:8b', 'deepseek-coder:6.7b'),
      { ollama: failed('timeout') },
      models('deepseek-coder:6.7b', 'codellama:13b'),
    ]);
    expect(back?.map((event) => event.type)).toEqual(['source_up', 'model_loaded', 'model_unloaded']);
    expect(modelChanges(back ?? []).map(([type, model]) => `${type ?? ''} ${model ?? ''}`)).toEqual([
      'model_loaded codellama:13b',
      'model_unloaded llama3.1:8b',
    ]);
  });

  it('say nothing where Ollama never answered before', () => {
    const [, , first] = eventsOf([{ ollama: failed('timeout') }, { ollama: failed('timeout') }, models('llama3.1:8b')]);
    expect(first?.map((event) => event.type)).toEqual(['source_up']);
  });

  it('are not read from a list cut to the biggest models, where a small one drops off while still loaded', () => {
    const cut = (...names: string[]): ReadingsOverrides => ({
      ollama: ok({ models: names.map((name) => ollamaModel(name, 4)), total: 3 }),
    });
    const [, second] = eventsOf([cut('llama3.1:70b', 'llama3.1:8b'), cut('llama3.1:70b', 'deepseek-coder:33b')]);
    expect(modelChanges(second ?? [])).toEqual([]);
  });

  it('are not looked for where Ollama is not asked', () => {
    expect(eventsOf([{ ollama: null }, { ollama: null }]).flat()).toEqual([]);
  });
});
