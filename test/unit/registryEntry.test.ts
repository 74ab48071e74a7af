import { describe, expect, it } from 'vitest';
import { SENIOR_DEVELOPER_AGENT, SENIOR_DEVELOPER_ENTRY } from '../support/fixtures';
import { readRegistryEntry } from '../../src/main/sources/redis/registryEntry';
import { readRegistryEvent } from '../../src/main/sources/redis/registryEvent';

describe('readRegistryEntry', () => {
  it('reads the full entry the protocol describes', () => {
    // The heartbeat carries an offset; it is read as the same instant in UTC.
    const entry = { ...SENIOR_DEVELOPER_ENTRY, last_heartbeat: '2026-11-24T15:25:00+01:00' };
    expect(readRegistryEntry('senior_developer', JSON.stringify(entry))).toEqual({
      ok: true,
      agent: SENIOR_DEVELOPER_AGENT,
    });
  });

  it("needs only the role, and takes ECHO's model for it", () => {
    const result = readRegistryEntry('cto', '{"role":"cto"}');
    expect(result.ok && result.agent).toMatchObject({
      role: 'cto',
      model: 'deepseek-coder:33b',
      spawnedAt: null,
      pid: null,
    });
  });

  it.each([
    ['ceo', '{not json', 'agent ceo: not JSON'],
    ['ceo', '"ceo"', 'agent ceo: value:'],
    ['ceo', '{"model":"qwen2.5:14b"}', 'agent ceo: role:'],
    ['ceo', '{"role":"cto"}', 'agent ceo: the entry names role cto'],
    ['ceo', '{"role":"ceo","pid":"4242"}', 'agent ceo: pid:'],
    ['ceo', '{"role":"ceo","pid":-1}', 'agent ceo: pid:'],
    ['ceo', '{"role":"ceo","spawned_at":"yesterday"}', 'agent ceo: spawned_at:'],
    ['ceo', JSON.stringify({ role: 'ceo', model: 'm'.repeat(300) }), 'agent ceo: model: longer than 255 characters'],
    [
      'ceo',
      JSON.stringify({ role: 'ceo', session_id: 's'.repeat(300) }),
      'agent ceo: session_id: longer than 255 characters',
    ],
  ])('drops %s = %s with a reason', (field, text, reason) => {
    const result = readRegistryEntry(field, text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('cuts a huge host or status, saying so, and names a huge field briefly', () => {
    const result = readRegistryEntry(
      'ceo',
      JSON.stringify({ role: 'ceo', host: 'h'.repeat(100_000), status: 'running' }),
    );
    expect(result.ok && result.agent.host).toBe(`${'h'.repeat(255)}… (cut from 100,000 characters)`);
    const huge = readRegistryEntry('r'.repeat(1_000_000), '{not json');
    expect(!huge.ok && huge.reason.length).toBeLessThan(400);
  });
});

describe('readRegistryEvent', () => {
  it('reads a known event and keeps its extra fields', () => {
    const result = readRegistryEvent('{"type":"agent_spawned","at":"2026-11-24T14:23:05Z","role":"cto","extra":1}');
    expect(result).toEqual({
      ok: true,
      event: { type: 'agent_spawned', at: '2026-11-24T14:23:05.000Z', role: 'cto', extra: 1 },
    });
  });

  it.each([
    ['garbage', 'event: not JSON'],
    ['{"type":"agent_spawned"}', 'event: at:'],
    ['{"type":"reboot","at":"2026-11-24T14:23:05Z"}', 'event: type:'],
  ])('drops %s with a reason', (text, reason) => {
    const result = readRegistryEvent(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});
