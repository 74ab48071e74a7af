import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotSchema } from '../../src/shared/model';
import { refusingAddress } from '../support/deadServers';
import { RECORDED_PS, startFakeOllama, type FakeOllama } from '../support/fakeOllama';
import { connectMcp, startRawMcp, type McpConnection } from '../support/mcpClient';
import { insertSessions } from '../support/sessionRows';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

const MINUTE = 60_000;
const ago = (minutes: number): string =>
  new Date(Math.floor((Date.now() - minutes * MINUTE) / 1000) * 1000).toISOString();
const SNAPSHOT_URI = 'delegator-monitor://snapshot';

const textOf = (result: { content: readonly { type: string; text?: string }[] }): string =>
  result.content.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('\n');

let db: TestDatabase;
let ollama: FakeOllama;
/** ECHO's PostgreSQL and Ollama answer; its Redis is a closed port, so the registry is down. */
let mcp: McpConnection;
/** The same, with PostgreSQL a closed port too. */
let withoutPostgres: McpConnection;
let env: Record<string, string>;

beforeAll(async () => {
  [db, ollama] = await Promise.all([createTestDatabase(), startFakeOllama()]);
  await insertSessions(db.pool, [
    { sessionId: 'live-dev', category: 'development', description: 'Implement password reset', startedAt: ago(5) },
    {
      sessionId: 'old-strategy',
      category: 'strategic',
      startedAt: '2026-03-10T12:00:00Z',
      endedAt: '2026-03-10T12:20:00Z',
    },
    {
      sessionId: 'old-hr',
      category: 'hr',
      startedAt: '2026-03-10T15:00:00Z',
      endedAt: '2026-03-10T15:02:00Z',
      status: 'error',
    },
  ]);
  const closed = await refusingAddress();
  env = {
    DATABASE_URL: db.url,
    REDIS_URL: `redis://${closed.host}:${closed.port}`,
    OLLAMA_ENDPOINT: ollama.endpoint,
    TZ: 'America/New_York',
    // This machine's own memory must not raise alerts here; polls often, so a change is heard soon.
    MONITOR_ALERTS: JSON.stringify({ memoryPctOfRam: { enabled: false }, freeRamPct: { enabled: false } }),
    MONITOR_POLL_MS: '500',
  };
  [mcp, withoutPostgres] = await Promise.all([
    connectMcp(['--allow-controls'], env),
    connectMcp([], { ...env, DATABASE_URL: `postgres://monitor@${closed.host}:${closed.port}/echo` }),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([mcp.close(), withoutPostgres.close()]);
  await Promise.all([db.drop(), ollama.close()]);
});

describe('delegator-monitor mcp on ECHO', () => {
  it('answers every read tool from PostgreSQL and Ollama, naming the registry as down', async () => {
    const summary = await mcp.call('summary');
    expect(summary.isError).toBeFalsy();
    expect(textOf(summary).split('\n')[0]).toMatch(/^Registry is DOWN, so what only it can tell is unknown: /);
    expect(textOf(summary)).toMatch(/^PostgreSQL {2}ok /m);
    expect(summary.structuredContent?.sourcesDown).toEqual([
      expect.objectContaining({ source: 'registry', state: 'error' }),
    ]);
    expect(summary.structuredContent?.summary).toMatchObject({ activeSessions: 1 });

    const sessions = await mcp.call('sessions');
    expect(textOf(sessions)).toContain('Implement password reset');
    expect(sessions.structuredContent?.activeSessions).toEqual([expect.objectContaining({ sessionId: 'live-dev' })]);
    expect(sessions.structuredContent?.sourcesDown).toEqual([]);

    const agents = await mcp.call('agents', { role: 'test_lead' });
    expect(agents.structuredContent?.agents).toEqual([expect.objectContaining({ role: 'test_lead' })]);

    const forecast = await mcp.call('forecast', { category: 'development' });
    expect(forecast.structuredContent?.categories).toEqual([expect.objectContaining({ category: 'development' })]);
    expect(textOf(forecast)).toContain('The forecast counts only what could be read');

    expect((await mcp.call('echo_work')).isError).toBeFalsy();

    const history = await mcp.call('history', { date: '2026-03-10' });
    expect(history.structuredContent?.sessions).toEqual([
      expect.objectContaining({ sessionId: 'old-hr', status: 'error' }),
      expect.objectContaining({ sessionId: 'old-strategy', durationSeconds: 1200 }),
    ]);
    // 12:00 UTC in New York's daylight time.
    expect(textOf(history)).toContain('- 2026-03-10T08:00:00-04:00  strategic  completed  20m 0s');

    const stats = await mcp.call('stats', { from: '2026-03-10', to: '2026-03-10' });
    expect(stats.structuredContent?.stats).toMatchObject({
      totalSessions: 2,
      statusBreakdown: { completed: 1, error: 1 },
    });
    expect(textOf(stats)).toContain('By status: 1 completed, 1 error.');

    const events = await mcp.call('events', { limit: 50 });
    expect(events.structuredContent?.events).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'source_down' })]),
    );
  });

  it('answers with PostgreSQL down by naming it, never with zeros or an error', async () => {
    const history = await withoutPostgres.call('history', { date: '2026-03-10' });
    expect(history.isError).toBeFalsy();
    expect(history.structuredContent).toMatchObject({ sessions: null, sourcesDown: [{ source: 'postgres' }] });
    expect(textOf(history)).toMatch(/^PostgreSQL is DOWN, so what only it can tell is unknown: .*ECONNREFUSED/);
    const sessions = await withoutPostgres.call('sessions');
    expect(sessions.structuredContent).toMatchObject({ activeSessions: null, sourcesDown: [{ source: 'postgres' }] });
    expect(textOf(sessions)).toContain('SESSIONS    ? active · ? today');
    const summary = await withoutPostgres.call('summary');
    expect(summary.structuredContent?.summary).toMatchObject({ activeSessions: null, sessionsToday: null });
  });

  it('lists the controls only with --allow-controls, each marked destructive', async () => {
    const withControls = (await mcp.client.listTools()).tools.filter((tool) => tool.annotations?.destructiveHint);
    expect(withControls.map((tool) => tool.name)).toEqual(['stop_agent', 'unload_model', 'end_session']);
    for (const tool of withControls) expect(tool.annotations).toMatchObject({ readOnlyHint: false });
    const without = (await withoutPostgres.client.listTools()).tools;
    expect(without.filter((tool) => tool.annotations?.readOnlyHint !== true)).toEqual([]);
  });

  it("unloads through the service: Ollama is asked with keep_alive 0, and the outcome is the dashboard's", async () => {
    ollama.behave({ kind: 'answer', body: RECORDED_PS });
    ollama.received.length = 0;
    const result = await mcp.call('unload_model', { model: 'deepseek-coder:6.7b' });
    expect(textOf(result)).toBe('Done: unload deepseek-coder:6.7b.');
    expect(result.structuredContent).toMatchObject({ ok: true });
    expect(ollama.received.filter((request) => request.path === '/api/generate')).toEqual([
      { method: 'POST', path: '/api/generate', body: { model: 'deepseek-coder:6.7b', keep_alive: 0 } },
    ]);
  });

  it('says a stop was not done as an error, with the reason the service gave', async () => {
    const result = await mcp.call('stop_agent', { role: 'nobody' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^Could not stop nobody: /);
    expect(result.structuredContent).toMatchObject({ ok: false, failure: 'not_sent' });
  });

  it.each([
    ['stop_agent', { role: '' }, /at role/],
    ['stop_agent', { role: 'cto', pid: -4 }, /at pid/],
    ['stop_agent', { role: 'cto', force: true }, /Unrecognized key: "force"/],
    ['end_session', {}, /at sessionId/],
    ['unload_model', { model: 'x'.repeat(300) }, /at model/],
  ])('refuses %s %j as the dashboard would, with an MCP error', async (name, args, reason) => {
    const result = await mcp.call(name, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^MCP error -32602: Input validation error/);
    expect(textOf(result)).toMatch(reason);
  });

  it('tells a subscriber when the snapshot changes, and the resource then holds the change', async () => {
    const updates: string[] = [];
    mcp.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      updates.push(notification.params.uri);
    });
    await mcp.client.subscribeResource({ uri: SNAPSHOT_URI });
    // What the earlier tests changed (a model unloaded) settles first: the change awaited is this one.
    for (let tries = 0; tries < 10; tries += 1) {
      updates.length = 0;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      if (updates.length === 0) break;
    }
    expect(updates).toEqual([]);
    await insertSessions(db.pool, [{ sessionId: 'live-fix', category: 'quick_fix', startedAt: ago(1) }]);
    await expect.poll(() => updates, { timeout: 15_000 }).toContain(SNAPSHOT_URI);
    const read = await mcp.client.readResource({ uri: SNAPSHOT_URI });
    const [content] = read.contents;
    const snapshot = snapshotSchema.parse(JSON.parse(content !== undefined && 'text' in content ? content.text : ''));
    expect(snapshot.activeSessions?.map((session) => session.sessionId)).toContain('live-fix');
    await mcp.client.unsubscribeResource({ uri: SNAPSHOT_URI });
  }, 60_000);
});

describe('the server process on ECHO', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'closes the monitor and exits 0 on %s',
    async (signal) => {
      const server = startRawMcp([], env);
      try {
        server.initialize();
        await server.answer(1);
        server.child.kill(signal);
        const exit = await server.exited;
        expect(exit).toMatchObject({ code: 0, signal: null });
        expect(exit.stderr).toContain(`info mcp: stopping: ${signal}`);
        expect(exit.stderr).toContain('info monitor: stopped');
      } finally {
        if (server.child.exitCode === null) server.child.kill('SIGKILL');
        await server.exited;
      }
    },
    120_000,
  );
});
