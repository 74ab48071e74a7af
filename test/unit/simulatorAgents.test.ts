import { describe, expect, it } from 'vitest';
import { ROLE_MODELS } from '../../src/main/core/echoRoster';
import {
  heldMegabytes,
  launchPlan,
  runtimeOf,
  scriptPathOf,
  type LaunchContext,
} from '../../src/main/simulator/agentLaunch';
import { standInProgram } from '../../src/main/simulator/agentProgram';
import { describeForm, planStandingCrew } from '../../src/main/simulator/crewPlan';
import { echoTimestamp, heartbeatMetadata } from '../../src/main/simulator/delegatorWriter';
import { pathFolders } from '../../src/main/simulator/escriptLookup';
import { escriptProgram } from '../../src/main/simulator/escriptProgram';
import { LLM_IDLE_MS, LlmConversations } from '../../src/main/simulator/llmConversations';
import { MESSAGE_BACKFILL_DAYS, planMessageBackfill } from '../../src/main/simulator/messagePlan';
import { SeededRandom } from '../../src/main/simulator/random';
import { seededUuid } from '../../src/main/simulator/simulatedDecisions';

const ROOT = '/home/ana/echo';
const erlang: LaunchContext = { vm: 'erlang', root: ROOT, nodePath: '/usr/bin/node', launcherCwd: '/home/ana' };
const node: LaunchContext = { ...erlang, vm: 'node' };

describe("an agent's launch plan", () => {
  it('starts an autonomous escript from its app folder by a relative path, stdin unread', () => {
    expect(launchPlan({ role: 'cto', form: 'autonomous' }, erlang)).toEqual({
      script: '/home/ana/echo/apps/cto/cto',
      command: './cto',
      args: ['--autonomous'],
      cwd: '/home/ana/echo/apps/cto',
      env: {},
      stdin: 'ignore',
    });
  });

  it('starts an MCP escript as Claude Desktop does: agents/<role>/<role>, no flag, from /, stdin a pipe', () => {
    expect(launchPlan({ role: 'ceo', form: 'mcp' }, erlang)).toEqual({
      script: '/home/ana/echo/agents/ceo/ceo',
      command: '/home/ana/echo/agents/ceo/ceo',
      args: [],
      cwd: '/',
      env: {},
      stdin: 'pipe',
    });
  });

  it("starts a spawned agent as a delegator would: absolute path, --autonomous, the model and AGENT_AUTONOMOUS, the launcher's folder", () => {
    expect(launchPlan({ role: 'senior_developer', form: 'spawned', model: 'deepseek-coder:6.7b' }, erlang)).toEqual({
      script: '/home/ana/echo/apps/senior_developer/senior_developer',
      command: '/home/ana/echo/apps/senior_developer/senior_developer',
      args: ['--autonomous'],
      cwd: '/home/ana',
      env: { AGENT_AUTONOMOUS: 'true', SENIOR_DEVELOPER_MODEL: 'deepseek-coder:6.7b' },
      stdin: 'ignore',
    });
  });

  it("puts a stand-in's script right after Node's executable, in the same forms, running as Node inside Electron", () => {
    expect(launchPlan({ role: 'cto', form: 'autonomous' }, node)).toMatchObject({
      command: '/usr/bin/node',
      args: ['./cto', '--autonomous'],
      cwd: '/home/ana/echo/apps/cto',
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    expect(launchPlan({ role: 'ceo', form: 'mcp' }, node)).toMatchObject({
      command: '/usr/bin/node',
      args: ['/home/ana/echo/agents/ceo/ceo'],
      stdin: 'pipe',
    });
  });

  it('keeps the MCP form under agents/ and the others under apps/', () => {
    expect(scriptPathOf(ROOT, 'cto', 'mcp')).toBe('/home/ana/echo/agents/cto/cto');
    expect(scriptPathOf(ROOT, 'cto', 'spawned')).toBe('/home/ana/echo/apps/cto/cto');
  });
});

describe('what runs the agents', () => {
  it('names the Erlang VM, or the Node executable a stand-in runs under', () => {
    expect(runtimeOf('erlang', '/usr/bin/node')).toEqual({ vm: 'erlang', executables: ['beam.smp'] });
    expect(runtimeOf('node', '/opt/Delegator Monitor/delegator-monitor')).toEqual({
      vm: 'node',
      executables: ['delegator-monitor'],
    });
  });

  it("reads PATH's folders, leaving out empty entries", () => {
    expect(pathFolders('/usr/local/bin::/usr/bin:', ':')).toEqual(['/usr/local/bin', '/usr/bin']);
    expect(pathFolders(undefined, ':')).toEqual([]);
  });
});

describe("the agents' programs", () => {
  it('hold 4 to 34 MB, the same for the same role, not all the same', () => {
    const sizes = Object.keys(ROLE_MODELS).map(heldMegabytes);
    for (const size of sizes) {
      expect(size).toBeGreaterThanOrEqual(4);
      expect(size).toBeLessThanOrEqual(34);
    }
    expect(new Set(sizes).size).toBeGreaterThan(3);
    expect(heldMegabytes('cto')).toBe(heldMegabytes('cto'));
  });

  it('are an escript without -noinput (its stdin must be able to end) and a Node stand-in, each holding its size', () => {
    const escript = escriptProgram('cto', 20);
    expect(escript.startsWith('#!/usr/bin/env escript\n')).toBe(true);
    expect(escript).not.toContain('-noinput');
    expect(escript).toContain('binary:copy(<<16#5a>>, 20 * 1048576)');
    expect(escript).toContain('["--autonomous" | _] -> sleep(Held)');
    expect(standInProgram(20)).toContain('Buffer.alloc(20 * 1024 * 1024');
  });
});

describe('the crew an ECHO user keeps running', () => {
  it('is three to five distinct roles, the same for the same seed, MCP first and every other one', () => {
    for (let seed = 0; seed < 50; seed += 1) {
      const crew = planStandingCrew(new SeededRandom(seed));
      expect(crew).toEqual(planStandingCrew(new SeededRandom(seed)));
      expect(crew.length).toBeGreaterThanOrEqual(3);
      expect(crew.length).toBeLessThanOrEqual(5);
      expect(new Set(crew.map((member) => member.role)).size).toBe(crew.length);
      expect(crew.map((member) => member.form)).toEqual(
        crew.map((_, index) => (index % 2 === 0 ? 'mcp' : 'autonomous')),
      );
      for (const member of crew) expect(Object.keys(ROLE_MODELS)).toContain(member.role);
    }
  });

  it('says each form as a person would type it', () => {
    expect(describeForm({ role: 'cto', form: 'autonomous' })).toBe('autonomous, ./cto --autonomous in apps/cto');
    expect(describeForm({ role: 'ceo', form: 'mcp' })).toBe('MCP mode, agents/ceo/ceo with stdin held');
  });
});

describe("an agent's heartbeat metadata", () => {
  it("is ECHO's exactly: version 1.0.0, a microsecond UTC timestamp, nonode@nohost, nothing more", () => {
    const at = Date.parse('2026-11-24T14:25:00.123Z');
    expect(heartbeatMetadata(at)).toEqual({
      version: '1.0.0',
      timestamp: '2026-11-24T14:25:00.123000Z',
      node: 'nonode@nohost',
    });
    expect(echoTimestamp(at + 0.456)).toBe('2026-11-24T14:25:00.123456Z');
    expect(echoTimestamp(at)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });
});

describe("an agent's model sessions (`llm_sessions`)", () => {
  it('count each call as a turn, keep the last five, and estimate tokens as ECHO does: what the latest query sent, over four', () => {
    const conversations = new LlmConversations(new SeededRandom(4));
    const at = Date.parse('2026-11-24T14:00:00Z');
    const rows = Array.from({ length: 8 }, (_, index) =>
      conversations.call('cto', `Question ${String(index)}?`, `Answer ${String(index)}.`, at + index * 1000),
    );
    const [first] = rows;
    const session = rows.filter((row) => row.sessionId === first?.sessionId);
    expect(first?.sessionId).toMatch(/^cto_1795528800_\d{1,6}$/);
    expect(session.map((row) => row.turns)).toEqual(session.map((_, index) => index + 1));
    // Each kept turn adds its question and answer to what the next query sends, up to five of them.
    for (const [index, row] of session.entries()) {
      expect(row.history).toHaveLength(Math.min(index + 1, 5));
      if (index > 0 && index < 6) expect(row.totalTokens).toBeGreaterThan(session[index - 1]?.totalTokens ?? 0);
      expect(row.lastQueryAt).toBe(at + index * 1000);
      expect(row.createdAt).toBe(at);
    }
    expect(first?.totalTokens).toBeGreaterThan(Math.floor((first?.startupContext.length ?? 0) / 4));
    expect(first?.history[0]).toEqual({
      question: 'Question 0?',
      response: 'Answer 0.',
      timestamp: '2026-11-24T14:00:00.000000Z',
    });
  });

  it('start a new session after an hour without a query, as ECHO has deleted the old one by then', () => {
    const conversations = new LlmConversations(new SeededRandom(4));
    const at = Date.parse('2026-11-24T14:00:00Z');
    const before = conversations.call('ceo', 'Q?', 'A.', at);
    const after = conversations.call('ceo', 'Q?', 'A.', at + LLM_IDLE_MS);
    expect(after.sessionId).not.toBe(before.sessionId);
    expect(after.turns).toBe(1);
  });
});

describe('the backfill of messages', () => {
  it('is the same for the same seed, day by day, and reaches back at most MESSAGE_BACKFILL_DAYS', () => {
    const now = Date.parse('2026-11-24T14:30:00Z');
    expect(planMessageBackfill(5, 7, now)).toEqual(planMessageBackfill(5, 7, now));
    expect(planMessageBackfill(3650, 7, now)).toHaveLength(MESSAGE_BACKFILL_DAYS + 1);
    for (const day of planMessageBackfill(10, 7, now)) {
      expect(day.map((row) => row.at)).toEqual([...day.map((row) => row.at)].sort((a, b) => a - b));
      for (const row of day) if (row.processedAt !== null) expect(row.processedAt).toBeGreaterThanOrEqual(row.at);
    }
  });
});

describe('a decision id', () => {
  it('is a version 4 uuid, as Ecto makes them', () => {
    const random = new SeededRandom(1);
    for (let index = 0; index < 20; index += 1)
      expect(seededUuid(random)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
