import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { vi } from 'vitest';
import { statusTexts } from '../../src/main/cli/mcpCommand';
import { SILENT_LOGGER } from '../../src/main/core/logger';
import { createMonitorMcpServer, type McpServedService } from '../../src/main/mcp/monitorMcpServer';
import type { CommandOutcome, CommandRequest } from '../../src/shared/commands';
import type { SessionStats, SessionView, Snapshot } from '../../src/shared/model';
import type { MonitorEvent } from '../../src/shared/monitorEvent';

/** A service the test drives: the snapshot it holds, what its queries answer, and every command it was sent. */
export interface FakeService extends McpServedService {
  /** Holds a new snapshot and hands it to the listeners, as a poll does. */
  publish(snapshot: Snapshot): void;
  readonly sent: CommandRequest[];
}

export interface FakeServiceAnswers {
  readonly history?: (date: string) => Promise<SessionView[]>;
  readonly stats?: (from: string, to: string) => Promise<SessionStats>;
  readonly events?: readonly MonitorEvent[];
  readonly command?: (request: CommandRequest) => Promise<CommandOutcome>;
}

export function fakeService(snapshot: Snapshot | null, answers: FakeServiceAnswers = {}): FakeService {
  let current = snapshot;
  const listeners = new Set<(snapshot: Snapshot) => void>();
  const sent: CommandRequest[] = [];
  return {
    sent,
    getSnapshot: () => current,
    onSnapshot(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish(next) {
      current = next;
      for (const listener of listeners) listener(next);
    },
    getHistory: vi.fn((date: string) => (answers.history ?? (() => Promise.resolve([])))(date)),
    getStats: vi.fn((from: string, to: string) =>
      (answers.stats ?? (() => Promise.reject(new Error('no stats in this test'))))(from, to),
    ),
    getEvents: () => answers.events ?? [],
    sendCommand(request) {
      sent.push(request);
      return (answers.command ?? (() => Promise.resolve({ ok: true, id: 'command-1' })))(request);
    },
  };
}

export interface InProcessMcp {
  readonly client: Client;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** The server over the fake service, and the SDK's client, linked in memory. */
export async function connectInProcess(service: McpServedService, allowControls = false): Promise<InProcessMcp> {
  const mcp = createMonitorMcpServer({
    service,
    texts: statusTexts({
      postgres: 'u@localhost:5433/echo_org',
      registry: 'redis://localhost:6383',
      ollama: 'http://localhost:11434',
    }),
    allowControls,
    version: '0.0.0-test',
    log: SILENT_LOGGER,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await mcp.server.connect(serverSide);
  const client = new Client({ name: 'unit-test', version: '1.0.0' });
  await client.connect(clientSide);
  return {
    client,
    async call(name, args = {}) {
      return CallToolResultSchema.parse(await client.callTool({ name, arguments: args }));
    },
    async close() {
      await client.close();
      await mcp.close();
    },
  };
}

export const textOf = (result: CallToolResult): string =>
  result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
