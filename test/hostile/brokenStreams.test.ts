import { spawn, type StdioOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSessions } from '../support/sessionRows';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

const ROOT = new URL('../..', import.meta.url).pathname;
const NO_SPACE = 'delegator-monitor: cannot write to standard output: ENOSPC: no space left on device, write\n';

let db: TestDatabase;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  [db, dir] = await Promise.all([createTestDatabase(), mkdtemp(join(tmpdir(), 'broken-streams-'))]);
  await insertSessions(db.pool, [
    { sessionId: 'only', startedAt: '2026-03-09T12:00:00Z', endedAt: '2026-03-09T12:10:00Z' },
  ]);
  env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    MONITOR_AGENT_PROCESSES: 'off',
    DATABASE_URL: db.url,
    REGISTRY_MODE: 'sessions',
    OLLAMA_ENDPOINT: 'off',
    // This machine's own RAM must not decide the exit codes tested here.
    MONITOR_ALERTS: JSON.stringify({ memoryPctOfRam: { enabled: false }, freeRamPct: { enabled: false } }),
    TZ: 'UTC',
    // serve's series and event log in a folder of this run's: what an earlier version left in this user's state folder
    // says nothing here.
    MONITOR_DATA_DIR: join(dir, 'data'),
  };
});

afterAll(async () => {
  await Promise.all([db.drop(), rm(dir, { recursive: true, force: true })]);
});

interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function collect(stream: Readable | null): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

/**
 * The command line as its own process (tsx directly, so nothing stands between
 * it and the streams), with stdout and stderr each a pipe, a file descriptor
 * such as /dev/full's, or a pipe whose reading end is closed before it writes.
 */
function runWith(
  args: readonly string[],
  streams: { stdout: 'pipe' | 'closed' | number; stderr: 'pipe' | number },
): Promise<Ended> {
  const stdio: StdioOptions = ['ignore', streams.stdout === 'closed' ? 'pipe' : streams.stdout, streams.stderr];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/index.ts', ...args], {
    cwd: ROOT,
    env,
    stdio,
  });
  // Closed before the command has even started: its first write finds no reader (EPIPE).
  if (streams.stdout === 'closed') child.stdout?.destroy();
  const stdout = streams.stdout === 'pipe' ? collect(child.stdout) : () => '';
  const stderr = collect(child.stderr);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout: stdout(), stderr: stderr() });
    });
  });
}

/** With stdout on /dev/full: every write fails with ENOSPC. */
async function withFullStdout(args: readonly string[]): Promise<Ended> {
  const full = openSync('/dev/full', 'w');
  try {
    return await runWith(args, { stdout: full, stderr: 'pipe' });
  } finally {
    closeSync(full);
  }
}

describe('a standard output that fails (ENOSPC)', () => {
  it.each([
    [['status', '--json']],
    [['status']],
    [['forecast', '--json']],
    [['export', '--from', '2026-03-09', '--to', '2026-03-09']],
    [['export', '--from', '2026-03-09', '--to', '2026-03-09', '--out', '-']],
    [['--help']],
  ])('%j exits 3 with one line on stderr naming standard output', async (args) => {
    const run = await withFullStdout(args);
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe(NO_SPACE);
    expect(run.code).toBe(3);
  });

  it('stops serve as a signal would, and exits 3', async () => {
    // Its first line is the address: that write fails, and serve shuts down instead of serving for nobody.
    const run = await withFullStdout(['serve', '--port', '0']);
    // Its log says first what it watches (info, the default level); the failure is the last line, nothing after it.
    const [started, ...rest] = run.stderr.split(/(?<=\n)/);
    expect(started).toMatch(/^info monitor: starting: PostgreSQL \S+, no registry, Ollama off, /);
    expect(started).toMatch(/, a poll every \d+ ms, history in \S+\n$/);
    expect(rest.join('')).toBe(NO_SPACE);
    expect(run.code).toBe(3);
  });
});

describe('a standard error that fails', () => {
  it('exits 3 and says nothing more', async () => {
    const out = join(dir, 'sessions.csv');
    const full = openSync('/dev/full', 'w');
    try {
      // Only the report ("Wrote 1 session to …") goes to stderr: the export itself is done.
      const run = await runWith(['export', '--from', '2026-03-09', '--to', '2026-03-09', '--out', out], {
        stdout: 'pipe',
        stderr: full,
      });
      expect(run.signal).toBeNull();
      expect(run.stdout).toBe('');
      expect(run.code).toBe(3);
    } finally {
      closeSync(full);
    }
    expect(await readFile(out, 'utf8')).toMatch(/^session_id,/);
  });
});

describe('a standard output whose reader is gone (EPIPE)', () => {
  it.each([[['status', '--json']], [['status']], [['export', '--from', '2026-03-09', '--to', '2026-03-09']]])(
    '%j ends quietly with its own exit code',
    async (args) => {
      const run = await runWith(args, { stdout: 'closed', stderr: 'pipe' });
      expect(run.signal).toBeNull();
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    },
  );
});
