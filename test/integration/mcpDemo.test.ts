import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotSchema } from '../../src/shared/model';
import { connectMcp, startRawMcp, type McpConnection } from '../support/mcpClient';

const READ_TOOLS = ['summary', 'agents', 'sessions', 'echo_work', 'forecast', 'history', 'stats', 'events'];
const CONTROL_TOOLS = ['stop_agent', 'unload_model', 'end_session'];

const textOf = (result: { content: readonly { type: string; text?: string }[] }): string =>
  result.content.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('\n');

let mcp: McpConnection;

beforeAll(async () => {
  mcp = await connectMcp(['--demo'], {});
}, 180_000);

afterAll(async () => {
  await mcp.close();
});

describe('delegator-monitor mcp --demo', () => {
  it('lists the read tools, each read-only, described, with its schemas, and no control', async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(READ_TOOLS);
    for (const tool of tools) {
      expect(tool.annotations).toMatchObject({ readOnlyHint: true });
      expect(tool.annotations?.destructiveHint).toBeUndefined();
      expect(tool.description?.length ?? 0).toBeGreaterThan(80);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
    }
    expect(tools.map((tool) => tool.name)).not.toEqual(expect.arrayContaining(CONTROL_TOOLS));
  });

  it('answers every tool with a text to quote and the data', async () => {
    const summary = await mcp.call('summary');
    expect(summary.isError).toBeFalsy();
    expect(textOf(summary)).toMatch(/^PostgreSQL {2}ok /m);
    expect(textOf(summary)).toMatch(/^Agents' memory: .* measured .* estimated/m);
    const today = String(summary.structuredContent?.today);
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(summary.structuredContent?.sourcesDown).toEqual([]);

    const agents = await mcp.call('agents');
    expect(textOf(agents)).toMatch(/^AGENTS {6}\d+ active/);
    expect((agents.structuredContent?.agents as unknown[]).length).toBeGreaterThan(0);

    const sessions = await mcp.call('sessions');
    expect(textOf(sessions)).toMatch(/^SESSIONS {4}\d+ active/);
    expect(sessions.structuredContent?.sessionsRecorded).toBe(true);

    const work = await mcp.call('echo_work');
    expect(textOf(work)).toContain('ECHO WORK');
    expect(work.structuredContent?.work).not.toBeNull();

    const forecast = await mcp.call('forecast', { category: 'technical' });
    expect(textOf(forecast)).toMatch(/^technical: \+/);
    expect(forecast.structuredContent?.categories).toEqual([expect.objectContaining({ category: 'technical' })]);

    const history = await mcp.call('history', { date: today });
    expect(textOf(history)).toMatch(/^\d+ sessions?, newest first:/);
    expect((history.structuredContent?.sessions as unknown[]).length).toBeGreaterThan(0);

    const stats = await mcp.call('stats', { from: today, to: today });
    expect(textOf(stats)).toMatch(new RegExp(`^${today} to ${today}: \\d+ sessions?`));
    expect(stats.structuredContent?.stats).toMatchObject({ from: today, to: today });

    const events = await mcp.call('events', { limit: 2 });
    expect(events.isError).toBeFalsy();
    expect((events.structuredContent?.events as unknown[]).length).toBeLessThanOrEqual(2);
  });

  it.each([
    ['forecast', { category: 'lunch' }, /Invalid option: expected one of "strategic"/],
    ['history', { date: '2026-02-30' }, /no such calendar date at date/],
    ['history', {}, /at date/],
    ['stats', { from: '2026-03-10', to: '2026-03-01' }, /from must not be after to/],
    ['events', { limit: 0 }, /at limit/],
    ['agents', { role: 7 }, /expected string/],
  ])('answers %s %j with an MCP error naming the argument, and goes on', async (name, args, reason) => {
    const result = await mcp.call(name, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^MCP error -32602: Input validation error: Invalid arguments for tool /);
    expect(textOf(result)).toMatch(reason);
    expect((await mcp.call('summary')).isError).toBeFalsy();
  });

  it('refuses a tool it does not offer, such as a control without --allow-controls', async () => {
    const result = await mcp.call('stop_agent', { role: 'cto' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('Tool stop_agent not found');
  });

  it('offers the snapshot as a JSON resource', async () => {
    const { resources } = await mcp.client.listResources();
    expect(resources).toEqual([
      expect.objectContaining({ uri: 'delegator-monitor://snapshot', mimeType: 'application/json' }),
    ]);
    const read = await mcp.client.readResource({ uri: 'delegator-monitor://snapshot' });
    const [content] = read.contents;
    expect(content?.mimeType).toBe('application/json');
    const snapshot = snapshotSchema.parse(JSON.parse(content !== undefined && 'text' in content ? content.text : ''));
    expect(snapshot.sources.postgres.state).toBe('ok');
  });

  it('logs to standard error only', () => {
    expect(mcp.stderr()).toContain('info mcp: serving on standard input and output (demo)');
  });
});

describe('the server process', () => {
  it('answers on standard output alone, and exits 0 once the client closes standard input', async () => {
    const server = startRawMcp(['--demo'], {});
    try {
      server.initialize();
      const answer = await server.answer(1);
      expect(answer).toMatchObject({ jsonrpc: '2.0', result: { serverInfo: { name: 'delegator-monitor' } } });
      server.child.stdin.end();
      const exit = await server.exited;
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(exit.stderr).toContain('info mcp: stopping: the client closed standard input');
      expect(exit.stderr).toContain('info demo: stopped');
      // Every line the server wrote is a message of the protocol: the log went elsewhere.
      for (const line of server.stdout().trimEnd().split('\n'))
        expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 180_000);
});
