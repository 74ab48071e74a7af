import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HAS_NO_EVENT_LOG } from '../../src/main/cli/exportCommand';
import { refusingAddress } from '../support/deadServers';
import { runCliProcess } from '../support/runCliProcess';
import { insertSessions } from '../support/sessionRows';
import { expectUsageError, runCliInProcess } from '../support/cliInProcess';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

const HEADER =
  'session_id,task_category,task_description,status,active_agents,total_agents_spawned,tasks_delegated,started_at,ended_at,duration_seconds\r\n';

let db: TestDatabase;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  [db, dir] = await Promise.all([createTestDatabase(), mkdtemp(join(tmpdir(), 'export-cli-'))]);
  await insertSessions(db.pool, [
    {
      sessionId: 'night-owl',
      category: 'hr',
      description: 'Plan, then "review"',
      startedAt: '2026-03-08T06:30:00Z',
      endedAt: '2026-03-08T07:30:00Z',
    },
    {
      sessionId: 'next-day',
      category: 'quick_fix',
      description: '=1+1',
      startedAt: '2026-03-09T15:00:00Z',
      endedAt: '2026-03-09T15:05:00Z',
      status: 'error',
    },
    { sessionId: 'broken', startedAt: '2026-03-09T16:00:00Z', endedAt: '2026-03-09T15:00:00Z' },
    { sessionId: 'too-late', startedAt: '2026-03-10T04:00:00Z' },
  ]);
  const dataDir = join(dir, 'state');
  await mkdir(dataDir);
  await writeFile(
    join(dataDir, 'event-log.jsonl'),
    `${JSON.stringify({ id: 'e1', at: '2026-03-08T06:45:00.000Z', type: 'session_started', origin: 'registry', message: 'Session night-owl started', sessionId: 'night-owl' })}\n`,
  );
  env = {
    DATABASE_URL: db.url,
    REGISTRY_MODE: 'sessions',
    OLLAMA_ENDPOINT: 'off',
    MONITOR_DATA_DIR: dataDir,
    TZ: 'America/New_York',
  };
});

afterAll(async () => {
  await Promise.all([db.drop(), rm(dir, { recursive: true, force: true })]);
});

describe('npm run cli -- export', () => {
  it('writes CSV of the local days to standard output, and says on stderr what it left out', async () => {
    const run = await runCliProcess(['export', '--from', '2026-03-08', '--to', '2026-03-09'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      HEADER +
        'night-owl,hr,"Plan, then ""review""",completed,ceo;chro,2,0,2026-03-08T01:30:00-05:00,2026-03-08T03:30:00-04:00,3600\r\n' +
        "next-day,quick_fix,'=1+1,error,senior_developer,1,0,2026-03-09T11:00:00-04:00,2026-03-09T11:05:00-04:00,300\r\n",
    );
    expect(run.stderr).toBe('1 row left out: session broken: ended_at: ended before it started\n');
  });

  it('writes JSON into the --out file, and nothing to standard output', async () => {
    const out = join(dir, 'sessions.json');
    const run = await runCliProcess(
      ['export', '--from', '2026-03-08', '--to', '2026-03-08', '--format', 'json', '--out', out],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`Wrote 1 session to ${out}.\n`);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual([
      expect.objectContaining({
        session_id: 'night-owl',
        active_agents: ['ceo', 'chro'],
        started_at: '2026-03-08T01:30:00-05:00',
        duration_seconds: 3600,
      }),
    ]);
    // Written beside the target, then renamed: nothing else is left behind.
    expect((await readdir(dir)).filter((name) => name.includes('sessions'))).toEqual(['sessions.json']);
  });

  it('exports the event log that serve keeps in MONITOR_DATA_DIR', async () => {
    const run = await runCliProcess(['export', '--what', 'events', '--from', '2026-03-08', '--to', '2026-03-08'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'at,type,origin,message,role,session_id,model,id\r\n2026-03-08T01:45:00-05:00,session_started,registry,Session night-owl started,,night-owl,,e1\r\n',
    );
  });

  it("says why the demo's events export is empty, rather than printing a bare header", async () => {
    const run = await runCliProcess(
      ['export', '--demo', '--what', 'events', '--from', '2026-03-08', '--to', '2026-03-08'],
      {},
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('at,type,origin,message,role,session_id,model,id\r\n');
    expect(run.stderr.trim()).toBe(DEMO_HAS_NO_EVENT_LOG);
  }, 30_000);

  it('exits 2 with one line on stderr when PostgreSQL is unreachable', async () => {
    const dead = await refusingAddress();
    const out = join(dir, 'never.csv');
    const run = await runCliProcess(['export', '--from', '2026-03-08', '--to', '2026-03-09', '--out', out], {
      ...env,
      DATABASE_URL: `postgres://echo_org@${dead.host}:${dead.port}/echo_org`,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`export: PostgreSQL: connect ECONNREFUSED ${dead.host}:${dead.port}\n`);
    expect(run.stdout).toBe('');
    expect((await readdir(dir)).filter((name) => name.includes('never'))).toEqual([]);
  });

  it('exits 3 when the --out file cannot be written', async () => {
    const run = await runCliProcess(
      ['export', '--from', '2026-03-08', '--to', '2026-03-09', '--out', join(dir, 'no-such-dir', 'x.csv')],
      env,
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^export: cannot write .*x\.csv: ENOENT/);
  });
});

describe('export usage', () => {
  const cli = (argv: string[]) =>
    runCliInProcess(argv, {
      env: { DATABASE_URL: db.url },
      now: () => Date.parse('2026-03-10T12:00:00Z'),
      timeZone: 'America/New_York',
    });

  it.each([
    [['export'], 'export needs --from and --to'],
    [['export', '--from', '2026-03-08'], 'export needs --from and --to'],
    [['export', '--from', '8/3/2026', '--to', '2026-03-09'], '--from "8/3/2026": expected a date as YYYY-MM-DD'],
    [['export', '--from', '2026-03-08', '--to', '2026-02-30'], '--to "2026-02-30": no such calendar date'],
    [['export', '--from', '2026-03-09', '--to', '2026-03-08'], 'from must not be after to'],
    [
      ['export', '--from', '2026-03-08', '--to', '2026-03-09', '--format', 'xlsx'],
      '--format "xlsx": expected one of csv, json',
    ],
    [
      ['export', '--from', '2026-03-08', '--to', '2026-03-09', '--what', 'agents'],
      '--what "agents": expected one of sessions, events',
    ],
    [['export', '--from', '2026-03-08', '--to', '2026-03-09', '--out', ''], '--out needs a file name'],
    [['export', '--from', '2026-03-08', '--to', '2026-03-09', 'extra'], 'Unexpected argument'],
  ])('exits 3 with the reason and usage for %j', async (argv, message) => {
    expectUsageError(await cli(argv), message);
  });

  it('runs in-process through out() when there is no stdout stream', async () => {
    const result = await cli(['export', '--from', '2026-03-08', '--to', '2026-03-08', '--format', 'json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.out) as { session_id: string }[]).map((session) => session.session_id)).toEqual([
      'night-owl',
    ]);
  });
});
