import { describe, expect, it } from 'vitest';
import { controlKey, controlPlan, outcomeText } from '../../src/shared/controlPlan';
import type { CommandRequest } from '../../src/shared/commands';
import { MIB } from '../support/bytes';
import { sessionRecord } from '../support/fixtures';
import { agentProcess, ok, ollamaModel, postgresData, registryAgent, registryData } from '../support/readings';
import { snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T14:28:28Z');

/** CTO and Senior Architect share deepseek-coder:33b; Senior Developer runs for two sessions. */
const busy = snapshotAt(NOW, {
  registry: ok(
    registryData([
      registryAgent('cto', 'deepseek-coder:33b'),
      registryAgent('senior_architect', 'deepseek-coder:33b'),
      registryAgent('senior_developer', 'deepseek-coder:6.7b'),
      registryAgent('test_lead', 'codellama:13b'),
    ]),
  ),
  ollama: ok({ models: [ollamaModel('deepseek-coder:33b', 19), ollamaModel('codellama:13b', 7.4)] }),
  postgres: ok(
    postgresData([
      sessionRecord({ sessionId: 'dev', agents: ['senior_developer', 'test_lead'] }),
      sessionRecord({
        sessionId: 'tech',
        category: 'technical',
        agents: ['cto', 'senior_architect', 'senior_developer'],
      }),
    ]),
  ),
});

describe('controlPlan', () => {
  it.each<[string, CommandRequest, string]>([
    [
      'an agent alone on its model',
      { type: 'stop_agent', role: 'test_lead' },
      'Stop Test Lead: frees its Erlang VM; Ollama unloads codellama:13b (7.4 GB) once idle for its keep-alive (5 minutes by default). ECHO keeps the role registered until its delegator restarts.',
    ],
    [
      'an agent sharing its model',
      { type: 'stop_agent', role: 'cto' },
      'Stop CTO: frees its Erlang VM; deepseek-coder:33b stays loaded for Senior Architect. ECHO keeps the role registered until its delegator restarts.',
    ],
    [
      'an agent whose model Ollama does not hold',
      { type: 'stop_agent', role: 'senior_developer' },
      'Stop Senior Developer: frees its Erlang VM. ECHO keeps the role registered until its delegator restarts.',
    ],
    [
      'an agent nobody runs',
      { type: 'stop_agent', role: 'chro' },
      'Stop CHRO? ECHO keeps the role registered until its delegator restarts.',
    ],
    [
      'a session whose agents are its own, but for one',
      { type: 'end_session', sessionId: 'dev' },
      'End development session dev: stops Test Lead, frees ~7.4 GB',
    ],
    [
      'a session whose agents share a model',
      { type: 'end_session', sessionId: 'tech' },
      'End technical session tech: stops CTO and Senior Architect, frees ~19 GB',
    ],
    ['a session not running', { type: 'end_session', sessionId: 'gone' }, 'End session gone?'],
    [
      'a model two agents use',
      { type: 'unload_model', model: 'deepseek-coder:33b' },
      'Unload deepseek-coder:33b: frees ~19 GB now; CTO and Senior Architect will load it again on their next request',
    ],
    [
      'a model Ollama does not hold',
      { type: 'unload_model', model: 'mistral:7b' },
      'Unload mistral:7b: Ollama does not list it as loaded',
    ],
  ])('says what it frees: %s', (_name, request, confirm) => {
    expect(controlPlan(busy, request).confirm).toBe(confirm);
  });

  it("reads a bare model name as Ollama does, its ':latest'", () => {
    const bare = snapshotAt(NOW, {
      registry: ok(registryData([registryAgent('operations_head', 'mistral')])),
      ollama: ok({ models: [ollamaModel('mistral:latest', 4.1)] }),
    });
    expect(controlPlan(bare, { type: 'stop_agent', role: 'operations_head' }).confirm).toBe(
      'Stop Operations Head: frees its Erlang VM; Ollama unloads mistral (4.1 GB) once idle for its keep-alive (5 minutes by default). ECHO keeps the role registered until its delegator restarts.',
    );
    expect(controlPlan(bare, { type: 'unload_model', model: 'mistral' }).confirm).toBe(
      'Unload mistral: frees ~4.1 GB now; Operations Head will load it again on its next request',
    );
  });

  it("names the VM it stops, with its pid and size, where the agent's process runs here", () => {
    const local = snapshotAt(NOW, {
      registry: ok(registryData([registryAgent('test_lead', 'codellama:13b')])),
      ollama: ok({ models: [ollamaModel('codellama:13b', 7.4)] }),
      agentProcesses: ok([
        agentProcess('test_lead', 4243, { rssBytes: 48 * MIB }),
        agentProcess('test_lead', 5353, { rssBytes: 400 * MIB }),
      ]),
    });
    expect(controlPlan(local, { type: 'stop_agent', role: 'test_lead' }).confirm).toBe(
      'Stop Test Lead (pid 4243): frees its Erlang VM (48 MB); Ollama unloads codellama:13b (7.4 GB) once idle for its keep-alive (5 minutes by default). ECHO keeps the role registered until its delegator restarts.',
    );
    const copy = controlPlan(local, { type: 'stop_agent', role: 'test_lead', pid: 5353 });
    expect(copy).toMatchObject({
      name: 'Stop Test Lead (pid 5353)',
      pending: 'Stopping Test Lead (pid 5353)…',
      done: 'Test Lead (pid 5353) stopped',
    });
    expect(copy.confirm).toBe(
      'Stop Test Lead (pid 5353): frees its Erlang VM (400 MB); Ollama unloads codellama:13b (7.4 GB) once idle for its keep-alive (5 minutes by default). ECHO keeps the role registered until its delegator restarts.',
    );
  });

  it('asks plainly when there is no snapshot to judge by', () => {
    expect(controlPlan(null, { type: 'stop_agent', role: 'cto' }).confirm).toBe(
      'Stop CTO? ECHO keeps the role registered until its delegator restarts.',
    );
    expect(controlPlan(null, { type: 'unload_model', model: 'x:1b' }).confirm).toBe(
      'Unload x:1b: Ollama does not list it as loaded',
    );
  });

  it('keys each control by what it acts on', () => {
    expect(controlKey({ type: 'stop_agent', role: 'cto' })).toBe('stop_agent:cto');
    expect(controlKey({ type: 'stop_agent', role: 'cto', pid: 4242 })).toBe('stop_agent:cto:4242');
    expect(controlKey({ type: 'end_session', sessionId: 's1' })).toBe('end_session:s1');
    expect(controlKey({ type: 'unload_model', model: 'm:1b' })).toBe('unload_model:m:1b');
  });

  it.each([
    [{ ok: true, id: 'a' }, 'Done'],
    [{ ok: false, id: 'a', failure: 'refused' as const, error: 'no such session' }, 'Refused: no such session'],
    [
      { ok: false, id: 'a', failure: 'no_answer' as const, error: 'no answer from the delegator within 10 s' },
      'No answer from the delegator within 10 s',
    ],
    [{ ok: false, id: 'a', failure: 'not_sent' as const, error: 'Redis is not connected' }, 'Redis is not connected'],
  ])('words the outcome %#', (outcome, text) => {
    expect(outcomeText(outcome)).toBe(text);
  });
});
