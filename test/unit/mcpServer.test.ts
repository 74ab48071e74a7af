import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Unavailable } from '../../src/main/monitor/unavailable';
import { commandRequestSchema } from '../../src/shared/commands';
import type { MonitorEvent } from '../../src/shared/monitorEvent';
import { sessionRecord } from '../support/fixtures';
import { connectInProcess, fakeService, textOf, type InProcessMcp } from '../support/mcpInProcess';
import { failed, ok, postgresData, registryAgent, registryData } from '../support/readings';
import { SnapshotMaker, snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T14:30:00Z');
const READ_TOOLS = ['summary', 'agents', 'sessions', 'echo_work', 'forecast', 'history', 'stats', 'events'];

const open: InProcessMcp[] = [];
async function connect(...args: Parameters<typeof connectInProcess>): Promise<InProcessMcp> {
  const mcp = await connectInProcess(...args);
  open.push(mcp);
  return mcp;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((mcp) => mcp.close()));
});

const event = (id: string, at: string): MonitorEvent => ({
  id,
  at,
  type: 'agent_spawned',
  origin: 'monitor',
  message: `event ${id}`,
});

describe('the tools offered', () => {
  it('are the read tools, read-only, without --allow-controls', async () => {
    const mcp = await connect(fakeService(snapshotAt(NOW)));
    const { tools } = await mcp.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(READ_TOOLS);
    expect(tools.every((tool) => tool.annotations?.readOnlyHint === true)).toBe(true);
  });

  it('add the three controls, destructive, with --allow-controls', async () => {
    const mcp = await connect(fakeService(snapshotAt(NOW)), true);
    const { tools } = await mcp.client.listTools();
    const controls = tools.filter((tool) => tool.annotations?.destructiveHint === true);
    expect(controls.map((tool) => tool.name)).toEqual(['stop_agent', 'unload_model', 'end_session']);
    // The dashboard's request schema, but its type: the tool's name gives it.
    expect(controls.map((tool) => Object.keys(tool.inputSchema.properties ?? {}))).toEqual([
      ['role', 'pid'],
      ['model'],
      ['sessionId'],
    ]);
  });
});

describe('a snapshot tool', () => {
  it('names a source that is down first, and gives null for what only it could tell', async () => {
    const maker = new SnapshotMaker();
    maker.next(NOW);
    const stale = maker.next(NOW + 65_000, { postgres: failed('connect ECONNREFUSED 127.0.0.1:5433') });
    const mcp = await connect(fakeService(stale));
    const sessions = await mcp.call('sessions');
    expect(sessions.isError).toBeFalsy();
    expect(textOf(sessions).split('\n')[0]).toBe(
      'PostgreSQL is DOWN, showing what it said 1m 5s ago: connect ECONNREFUSED 127.0.0.1:5433',
    );
    expect(sessions.structuredContent?.sourcesDown).toEqual([
      { source: 'postgres', state: 'stale', error: 'connect ECONNREFUSED 127.0.0.1:5433', ageSeconds: 65 },
    ]);
    const never = await connect(fakeService(snapshotAt(NOW, { ollama: failed('Ollama: connect ECONNREFUSED') })));
    const summary = await never.call('summary');
    expect(textOf(summary).split('\n')[0]).toBe(
      'Ollama is DOWN, so what only it can tell is unknown: connect ECONNREFUSED',
    );
  });

  it('picks one agent by role, and says so when none runs', async () => {
    const mcp = await connect(fakeService(snapshotAt(NOW)));
    const one = await mcp.call('agents', { role: 'test_lead' });
    expect(one.structuredContent?.agents).toEqual([
      expect.objectContaining({ role: 'test_lead', model: 'codellama:13b' }),
    ]);
    const none = await mcp.call('agents', { role: 'chro' });
    expect(none.structuredContent?.agents).toEqual([]);
    expect(textOf(none)).toBe('No agent chro runs now, of 2 running.');
    expect(textOf(one).split('\n')[0]).toBe('Test Lead, one agent of 2 running:');
    expect(textOf(one)).not.toContain('more');
  });

  it('is an error before the first poll, and the server goes on', async () => {
    const service = fakeService(null);
    const mcp = await connect(service);
    const early = await mcp.call('summary');
    expect(early).toMatchObject({ isError: true });
    expect(textOf(early)).toBe('No snapshot yet: the first poll has not finished yet.');
    service.publish(snapshotAt(NOW));
    expect((await mcp.call('summary')).isError).toBeFalsy();
  });
});

describe('a tool made from an operation', () => {
  it('names PostgreSQL as down when its query fails, with no answer rather than an empty one', async () => {
    const mcp = await connect(
      fakeService(snapshotAt(NOW), { history: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5433')) }),
    );
    const history = await mcp.call('history', { date: '2026-11-24' });
    expect(history.isError).toBeFalsy();
    expect(history.structuredContent).toEqual({
      sessions: null,
      sourcesDown: [
        { source: 'postgres', state: 'error', error: 'connect ECONNREFUSED 127.0.0.1:5433', ageSeconds: null },
      ],
    });
  });

  it('is an error when the program fails, not PostgreSQL', async () => {
    const mcp = await connect(
      fakeService(snapshotAt(NOW), { history: () => Promise.reject(new TypeError('x is undefined')) }),
    );
    const history = await mcp.call('history', { date: '2026-11-24' });
    expect(history.isError).toBe(true);
    expect(textOf(history)).toBe("A day's sessions failed: x is undefined");
  });

  it('hands the operation exactly its arguments, and gives its answer', async () => {
    const service = fakeService(snapshotAt(NOW), {
      history: () => Promise.resolve([{ ...sessionRecord({ sessionId: 's-1' }), durationSeconds: 300 }]),
    });
    const mcp = await connect(service);
    const history = await mcp.call('history', { date: '2026-11-23' });
    expect(service.getHistory).toHaveBeenCalledWith('2026-11-23');
    expect(history.structuredContent).toEqual({
      sessions: [expect.objectContaining({ sessionId: 's-1' })],
      sourcesDown: [],
    });
    expect(textOf(history)).toMatch(
      /^1 session, newest first:\n- 2026-11-24T14:23:05\+00:00 {2}development {2}active {2}5m 0s so far/,
    );
  });

  it('gives the newest events first, as many as asked', async () => {
    const events = [
      event('a', '2026-11-24T14:00:00.000Z'),
      event('b', '2026-11-24T14:10:00.000Z'),
      event('c', '2026-11-24T14:20:00.000Z'),
    ];
    const mcp = await connect(fakeService(snapshotAt(NOW), { events }));
    const two = await mcp.call('events', { limit: 2 });
    expect(two.structuredContent?.events).toEqual([events[2], events[1]]);
    expect(textOf(two)).toBe(
      '2 events, newest first:\n- 2026-11-24T14:20:00+00:00  agent_spawned  event c\n- 2026-11-24T14:10:00+00:00  agent_spawned  event b',
    );
  });
});

describe('a control', () => {
  it.each([
    ['stop_agent', { role: 'cto', pid: 4242 }, { type: 'stop_agent', role: 'cto', pid: 4242 }],
    ['unload_model', { model: 'qwen2.5:14b' }, { type: 'unload_model', model: 'qwen2.5:14b' }],
    ['end_session', { sessionId: 'session_1_a' }, { type: 'end_session', sessionId: 'session_1_a' }],
  ])('%s sends the service exactly the dashboard request', async (name, args, request) => {
    const service = fakeService(snapshotAt(NOW));
    const mcp = await connect(service, true);
    const result = await mcp.call(name, args);
    expect(service.sent).toEqual([request]);
    expect(commandRequestSchema.parse(request)).toEqual(request);
    expect(result).toMatchObject({ structuredContent: { ok: true, id: 'command-1' } });
    expect(result.isError).toBeFalsy();
  });

  it('is an error when the command was not done, with its reason', async () => {
    const mcp = await connect(
      fakeService(snapshotAt(NOW), {
        command: () =>
          Promise.resolve({
            ok: false,
            id: 'c',
            failure: 'refused',
            error: "pid 7 is not one of CTO's processes (4242)",
          }),
      }),
      true,
    );
    const result = await mcp.call('stop_agent', { role: 'cto', pid: 7 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("Could not stop cto: pid 7 is not one of CTO's processes (4242)");
  });

  it('is an error when the monitor cannot send it at all, and the server goes on', async () => {
    const mcp = await connect(
      fakeService(snapshotAt(NOW), {
        command: () => Promise.reject(new Unavailable('commands need the Redis registry, which is not configured')),
      }),
      true,
    );
    const result = await mcp.call('end_session', { sessionId: 's' });
    expect(result).toMatchObject({ isError: true });
    expect(textOf(result)).toBe('Could not end session s: commands need the Redis registry, which is not configured');
    expect((await mcp.call('summary')).isError).toBeFalsy();
  });
});

describe('the snapshot resource', () => {
  it('tells a subscriber of a change that matters, not of every poll', async () => {
    const maker = new SnapshotMaker();
    const service = fakeService(maker.next(NOW));
    const mcp = await connect(service);
    const updates: string[] = [];
    mcp.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      updates.push(notification.params.uri);
    });
    await mcp.client.subscribeResource({ uri: 'delegator-monitor://snapshot' });
    // Time moves, ages and durations with it: nothing a reader would call a change.
    service.publish(maker.next(NOW + 5_000));
    service.publish(maker.next(NOW + 10_000));
    await mcp.client.ping();
    expect(updates).toEqual([]);
    const joined = registryData([
      registryAgent('senior_developer', 'deepseek-coder:6.7b'),
      registryAgent('test_lead', 'codellama:13b'),
      registryAgent('cto', 'deepseek-coder:33b'),
    ]);
    service.publish(maker.next(NOW + 15_000, { registry: ok(joined), postgres: ok(postgresData()) }));
    await expect.poll(() => updates).toEqual(['delegator-monitor://snapshot']);
  });

  it('refuses a subscription to a resource it does not offer', async () => {
    const mcp = await connect(fakeService(snapshotAt(NOW)));
    await expect(mcp.client.subscribeResource({ uri: 'delegator-monitor://nothing' })).rejects.toThrow(
      'No resource delegator-monitor://nothing',
    );
  });
});
