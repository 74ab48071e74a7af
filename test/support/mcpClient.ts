import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { diesWithParent } from './parentDeath';
import { runEnvironment } from './testRun';

const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * `delegator-monitor mcp ARGS` as an MCP client starts it: the compiled command line, built first where it is stale.
 */
function serverCommand(args: readonly string[]): { file: string; args: string[] } {
  // It ends if the test's process dies (SIGTERM, on which the server closes cleanly).
  return diesWithParent(process.execPath, ['scripts/cli.mjs', 'mcp', ...args], 'SIGTERM');
}

/**
 * Only the given environment on top of PATH and the test run's home and XDG folders, with no agent processes looked
 * for.
 */
function serverEnvironment(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', ...runEnvironment(), MONITOR_AGENT_PROCESSES: 'off', ...env };
}

export interface McpConnection {
  readonly client: Client;
  /** What the server wrote to standard error so far: its log. */
  stderr(): string;
  /** Calls a tool and returns its result, checked as the protocol's. */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** Closes standard input, as a client leaving does; the SDK signals the server if it lingers. */
  close(): Promise<void>;
}

/** The SDK's own client, connected to the server through the SDK's stdio transport. */
export async function connectMcp(args: readonly string[], env: Record<string, string>): Promise<McpConnection> {
  const command = serverCommand(args);
  const transport = new StdioClientTransport({
    command: command.file,
    args: command.args,
    cwd: ROOT,
    env: serverEnvironment(env),
    stderr: 'pipe',
  });
  let log = '';
  transport.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const client = new Client({ name: 'delegator-monitor-tests', version: '1.0.0' });
  try {
    await client.connect(transport, { timeout: 120_000 });
  } catch (error) {
    await transport.close();
    throw new Error(`the server did not start: ${String(error)}; its log: ${log}`, { cause: error });
  }
  return {
    client,
    stderr: () => log,
    async call(name, toolArgs = {}) {
      return CallToolResultSchema.parse(await client.callTool({ name, arguments: toolArgs }));
    },
    close: () => client.close(),
  };
}

/** The server as a bare process, for what the client hides: how and when it exits. */
export interface RawMcpServer {
  readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  /** Resolves with the first line of standard output that answers request `id`. */
  answer(id: number, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Writes the client's `initialize` request, id 1, as one line on standard input. */
  initialize(): void;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Everything written to standard output so far. */
  stdout(): string;
}

export function startRawMcp(args: readonly string[], env: Record<string, string>): RawMcpServer {
  const command = serverCommand(args);
  const child = spawn(command.file, command.args, { cwd: ROOT, env: serverEnvironment(env), stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code, signal, stderr });
    });
  });
  return {
    child,
    exited,
    stdout: () => stdout,
    initialize() {
      child.stdin.write(
        `${JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
        })}\n`,
      );
    },
    answer(id, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const check = (): void => {
          // Whole lines only: the protocol ends each message with one.
          for (const line of stdout.split('\n').slice(0, -1)) {
            if (line.trim() === '') continue;
            const message = JSON.parse(line) as Record<string, unknown>;
            if (message.id === id) {
              resolve(message);
              return;
            }
          }
          if (child.exitCode !== null) reject(new Error(`exited with ${String(child.exitCode)}: ${stderr}`));
          else if (Date.now() > deadline) reject(new Error(`no answer to ${String(id)}; stderr: ${stderr}`));
          else setTimeout(check, 50);
        };
        check();
      });
    },
  };
}
