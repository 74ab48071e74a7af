import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotSchema } from '../../src/shared/model';
import { runCliInProcess, type CliRun } from '../support/cliInProcess';
import { startFakeOllama, type FakeOllama } from '../support/fakeOllama';
import { insertSessions } from '../support/sessionRows';
import { createTestDatabase, postgresServerMissing, type TestDatabase } from '../support/testDatabase';

/** What anyone who may write a session row, a registry entry or a model name could put there. */
const HOSTILE_DESCRIPTION = 'Deploy \x1b]0;pwned-title\x07 now \x1b[2J done \u202eevil\x9b31m\x7f';
const HOSTILE_CATEGORY = 'development\nOK: all clear';
const HOSTILE_SESSION = 'session_\x1b[8mhidden\x1b[0m';
const HOSTILE_STATUS = 'done\x1b[32m';
const HOSTILE_MODEL = 'evil\x1b]0;model\x07:7b';
/**
 * Characters a terminal does not show, or shows as a line break: the name and the text look like others they are not.
 */
const INVISIBLE_DESCRIPTION = 'Review\u200b the\ufeff login\u2028OK: all clear\u2029 page\u2060 👨‍👩‍👧';
const INVISIBLE_MODEL = '\ufeffqwen\u200b2.5\u2060:7b\u2028';
/** An emoji's own joiners, which stay: the family is one picture, not three. */
const FAMILY = '👨‍👩‍👧';

/**
 * Any character a terminal would obey, that would reorder what it shows, that it would not show, or that would break
 * its line.
 */
const RAW = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

const MINUTE = 60_000;
const ago = (minutes: number): string =>
  new Date(Math.floor((Date.now() - minutes * MINUTE) / 1000) * 1000).toISOString();

const FINISHED_AT = ago(30);
/** The finished session's day in UTC, the command's zone here: shortly after midnight it is yesterday, not today. */
const FINISHED_DAY = FINISHED_AT.slice(0, 10);

let db: TestDatabase;
let ollama: FakeOllama;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  [db, ollama, dir] = await Promise.all([
    createTestDatabase(),
    startFakeOllama(),
    mkdtemp(join(tmpdir(), 'terminal-escapes-')),
  ]);
  ollama.behave({
    kind: 'answer',
    body: JSON.stringify({
      models: [
        { name: HOSTILE_MODEL, model: HOSTILE_MODEL, size: 1024 ** 3, size_vram: 0 },
        { name: INVISIBLE_MODEL, model: INVISIBLE_MODEL, size: 2 * 1024 ** 3, size_vram: 0 },
      ],
    }),
  });
  await insertSessions(db.pool, [
    {
      sessionId: 'live-dev',
      category: HOSTILE_CATEGORY,
      description: HOSTILE_DESCRIPTION,
      agents: ['senior_developer'],
      startedAt: ago(5),
    },
    {
      sessionId: 'live-review',
      category: 'code_review',
      description: INVISIBLE_DESCRIPTION,
      agents: ['code_reviewer'],
      startedAt: ago(4),
    },
    // Active for minutes with no agents: a warning that names it.
    { sessionId: HOSTILE_SESSION, category: 'quick_fix', description: 'Nothing', agents: [], startedAt: ago(6) },
    { sessionId: 'finished', category: 'quick_fix', startedAt: FINISHED_AT, endedAt: ago(25), status: HOSTILE_STATUS },
    // Ended before it started: left out of an export, with its id in the reason.
    { sessionId: `broken\x1b[2J`, startedAt: '2026-03-09T16:00:00Z', endedAt: '2026-03-09T15:00:00Z' },
    { sessionId: 'exported', startedAt: '2026-03-09T12:00:00Z', endedAt: '2026-03-09T12:10:00Z' },
  ]);
  env = {
    DATABASE_URL: db.url,
    REGISTRY_MODE: 'sessions',
    OLLAMA_ENDPOINT: ollama.endpoint,
    // This machine's own RAM must not add alerts to what is checked here.
    MONITOR_ALERTS: JSON.stringify({ memoryPctOfRam: { enabled: false }, freeRamPct: { enabled: false } }),
  };
});

afterAll(async () => {
  await Promise.all([db.drop(), ollama.close(), rm(dir, { recursive: true, force: true })]);
});

const cli = (argv: string[], extra: Record<string, string> = {}): Promise<CliRun> =>
  runCliInProcess(argv, { env: { ...env, ...extra }, now: () => Date.now() });

/**
 * Nothing a terminal would act on or hide, in any line: the command's own newlines end lines, an emoji keeps its
 * joiners, and nothing else is raw.
 */
function expectNoRawControls(text: string): void {
  for (const line of text.split('\n')) expect(line.replaceAll(FAMILY, '')).not.toMatch(RAW);
}

describe('text from the sources reaches the terminal escaped', () => {
  it('status shows a hostile description, category, session id, status and model name escaped, each on its own line', async () => {
    const run = await cli(['status', '--date', FINISHED_DAY]);
    expectNoRawControls(run.out);
    expect(run.out).toContain('  DEVELOPMENT\\nOK: ALL CLEAR  ');
    expect(run.out).toContain('Deploy \\x1b]0;pwned-title\\x07 now \\x1b[2J done \\u202eevil\\x9b31m\\x7f');
    // The newline in the category forges no line of its own.
    expect(run.out).not.toMatch(/^OK: ALL CLEAR/m);
    expect(run.out).toContain('Note: Session session_\\x1b[8mhidden\\x1b[0m (quick_fix) has been active');
    expect(run.out).toMatch(/^ {2}History {2}\d{4}-\d\d-\d\d: \d+ sessions? \(.*1 done\\x1b\[32m.*\)/m);
    expect(run.out).toMatch(/^ {2}evil\\x1b\]0;model\\x07:7b {3,}1 GB {3,}.* {3}no agent$/m);
  });

  it('status --json keeps every value, with C1 and bidirectional characters written as \\u escapes', async () => {
    const run = await cli(['status', '--json']);
    expectNoRawControls(run.out);
    expect(run.out).toContain('\\u202eevil\\u009b31m\\u007f');
    const snapshot = snapshotSchema.parse(JSON.parse(run.out));
    const live = snapshot.activeSessions?.find((session) => session.sessionId === 'live-dev');
    expect(live?.description).toBe(HOSTILE_DESCRIPTION);
    expect(live?.category).toBe(HOSTILE_CATEGORY);
    expect(snapshot.residentModels?.map((model) => model.name)).toEqual(
      expect.arrayContaining([HOSTILE_MODEL, INVISIBLE_MODEL]),
    );
    expect(snapshot.warnings.map((warning) => warning.sessionId)).toContain(HOSTILE_SESSION);
  });

  it('status shows zero-width characters, the byte order mark and the line and paragraph separators escaped, and an emoji as it is', async () => {
    const run = await cli(['status']);
    expectNoRawControls(run.out);
    expect(run.out).toContain(`Review\\u200b the\\ufeff login\\u2028OK: all clear\\u2029 page\\u2060 ${FAMILY}`);
    expect(run.out).toMatch(/^ {2}\\ufeffqwen\\u200b2\.5\\u2060:7b\\u2028 {3,}2 GB {3,}.* {3}no agent$/m);
    // The separator in the description forges no line either.
    expect(run.out).not.toMatch(/^OK: all clear/m);
  });

  it('status --json writes them as \\u escapes and parses to the same values', async () => {
    const run = await cli(['status', '--json']);
    expectNoRawControls(run.out);
    expect(run.out).toContain(`"Review\\u200b the\\ufeff login\\u2028OK: all clear\\u2029 page\\u2060 ${FAMILY}"`);
    expect(run.out).toContain('"\\ufeffqwen\\u200b2.5\\u2060:7b\\u2028"');
    const snapshot = snapshotSchema.parse(JSON.parse(run.out));
    expect(snapshot.activeSessions?.find((session) => session.sessionId === 'live-review')?.description).toBe(
      INVISIBLE_DESCRIPTION,
    );
    expect(snapshot.residentModels?.map((model) => model.name)).toContain(INVISIBLE_MODEL);
  });

  // PGlite holds one database and answers any name with it: only a server says a database does not exist.
  it.skipIf(postgresServerMissing() !== null)(
    "a server's error quoting hostile text is escaped in status and forecast",
    async () => {
      // PostgreSQL names the missing database in its error: text the operator never typed on this terminal.
      const url = new URL(db.url);
      url.pathname = `/${encodeURIComponent('nodb\x1b[2J\x07\u202e')}`;
      const status = await cli(['status'], { DATABASE_URL: url.toString() });
      expect(status.code).toBe(2);
      expectNoRawControls(status.out);
      expect(status.out).toMatch(/^PostgreSQL {2}DOWN: .*nodb\\x1b\[2J\\x07\\u202e/m);
      const forecast = await cli(['forecast'], { DATABASE_URL: url.toString() });
      expect(forecast.code).toBe(2);
      expectNoRawControls(forecast.err);
      expect(forecast.err).toMatch(/^PostgreSQL is down: .*nodb\\x1b\[2J\\x07\\u202e/m);
      const migrate = await cli(['migrate'], { DATABASE_URL: url.toString() });
      expect(migrate.code).toBe(2);
      expectNoRawControls(migrate.err);
      expect(migrate.err).toMatch(/^migrate: cannot reach or read .*nodb\\x1b\[2J\\x07\\u202e/m);
      const standalone = await cli(['migrate', '--standalone'], { DATABASE_URL: url.toString() });
      expect(standalone.code).toBe(2);
      expectNoRawControls(standalone.err);
      expect(standalone.err).toMatch(/^migrate: cannot reach or change .*nodb\\x1b\[2J\\x07\\u202e/m);
      const simulate = await cli(['simulate'], { DATABASE_URL: url.toString(), REGISTRY_MODE: 'sessions' });
      expect(simulate.code).toBe(2);
      expectNoRawControls(simulate.err);
      expect(simulate.err).toMatch(/^simulate: cannot reach .*nodb\\x1b\[2J\\x07\\u202e/m);
    },
  );

  it("export's report escapes the reasons rows were left out and the file it wrote", async () => {
    const out = join(dir, 'sessions\x1b[2J.csv');
    const run = await cli(['export', '--from', '2026-03-09', '--to', '2026-03-09', '--out', out], { TZ: 'UTC' });
    expect(run.code).toBe(0);
    expectNoRawControls(run.err);
    expect(run.err).toBe(
      `1 row left out: session broken\\x1b[2J: ended_at: ended before it started\nWrote 1 session to ${join(dir, 'sessions\\x1b[2J.csv')}.\n`,
    );
  });

  it("unload shows Ollama's refusal escaped, in words and in --json", async () => {
    ollama.unloads({ kind: 'refuse', status: 500, body: JSON.stringify({ error: 'no\x1b[2J way\u202e' }) });
    const words = await cli(['unload', 'model\x1b[8m']);
    expect(words.code).toBe(1);
    expect(words.err).toBe('Could not unload model\\x1b[8m: Ollama refused: no\\x1b[2J way\\u202e\n');
    const json = await cli(['unload', 'model\x1b[8m', '--json']);
    expectNoRawControls(json.out);
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, error: 'Ollama refused: no\x1b[2J way\u202e' });
  });

  it("serve's log lines escape what they quote", async () => {
    // A data folder whose event log holds a line that cannot be read: the line's reason names the file.
    const dataDir = join(dir, 'state\x1b]0;serve\x07');
    await mkdir(dataDir);
    await writeFile(join(dataDir, 'event-log.jsonl'), 'not json\n');
    const run = await cli(['serve', '--port', '0'], { MONITOR_DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    expectNoRawControls(run.err);
    expect(run.err).toContain('state\\x1b]0;serve\\x07/event-log.jsonl line 1: not JSON');
  });
});
