import { describe, expect, it } from 'vitest';
import { chooseAgents } from '../../src/main/core/agentChoice';
import { sessionRecord } from '../support/fixtures';
import { registryAgent } from '../support/readings';

const NOW = Date.parse('2026-11-24T14:30:00Z');
const sessions = { value: [sessionRecord()], stale: false, at: NOW };
const registryWith = (roles: string[], stale = false) => ({
  value: { exists: roles.length > 0, agents: roles.map((role) => registryAgent(role, 'm:1b')) },
  stale,
  at: NOW,
});
const roles = (choice: ReturnType<typeof chooseAgents>) => choice.agents?.map((agent) => agent.role) ?? null;

describe('chooseAgents', () => {
  it('auto: the registry when Redis holds one', () => {
    const choice = chooseAgents('auto', registryWith(['cto']), false, sessions);
    expect([roles(choice), choice.from, choice.stale]).toEqual([['cto'], 'registry', false]);
  });

  it('auto: the active sessions when Redis holds no registry', () => {
    const choice = chooseAgents('auto', registryWith([]), false, sessions);
    expect([roles(choice), choice.from]).toEqual([['senior_developer', 'test_lead'], 'sessions']);
  });

  it('auto: once a registry was seen, its absence means no agents', () => {
    const choice = chooseAgents('auto', registryWith([]), true, sessions);
    expect([roles(choice), choice.from]).toEqual([[], 'registry']);
  });

  it('auto: the sessions while Redis has never answered', () => {
    expect(chooseAgents('auto', null, false, sessions).from).toBe('sessions');
  });

  it("auto: a stale registry's last list, marked stale", () => {
    const choice = chooseAgents('auto', registryWith(['cto'], true), true, sessions);
    expect([roles(choice), choice.stale]).toEqual([['cto'], true]);
  });

  it('redis: unknown while Redis has never answered, never derived', () => {
    expect(chooseAgents('redis', null, false, sessions)).toEqual({ agents: null, from: null, stale: false });
    expect(roles(chooseAgents('redis', registryWith([]), false, sessions))).toEqual([]);
  });

  it('sessions: never the registry', () => {
    expect(chooseAgents('sessions', registryWith(['cto']), true, sessions).from).toBe('sessions');
    expect(chooseAgents('sessions', null, false, null)).toEqual({ agents: null, from: null, stale: false });
  });
});
