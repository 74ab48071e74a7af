import type { Server } from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendTracker } from '../../src/main/demo/sessionFrames';
import { serveSession, type SessionServer } from '../../src/main/demo/sessionServer';
import { startMonitorService, type MonitorService } from '../../src/main/monitor/monitorService';
import { createWebServer } from '../../src/main/web/webServer';
import { HTTP_ROUTES } from '../../src/shared/api';
import { sessionStatsSchema, snapshotSchema, type SourceState } from '../../src/shared/model';
import { http, type HttpResponse } from '../support/http';
import { recordingLog } from '../support/recordingLog';

const day = (daysAgo: number): string => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

describe('serve --demo under two tabs at once', () => {
  let service: MonitorService;
  let server: Server;
  let detach: () => void;
  let port = 0;
  const { log, lines: problems } = recordingLog('warn');

  beforeAll(async () => {
    // As serve --demo starts it: the demo's monitor, behind the web host.
    const options = { timeZone: 'UTC', defaultDataDir: null, log };
    service = await startMonitorService({ kind: 'demo', dataDir: null }, options);
    const web = createWebServer({
      service,
      controlKey: 'test-token-0123456789',
      boundHost: '127.0.0.1',
      rendererDir: null,
    });
    server = web.server;
    detach = web.detach;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  }, 60_000);

  afterAll(async () => {
    detach();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    await service.close();
  }, 30_000);

  const get = (path: string): Promise<HttpResponse> => http({ port, path });
  /**
   * What one tab asks for on a few clicks: Statistics over 30 days, then 7, a past day's history, an export, the
   * snapshot.
   */
  const tab = (): Promise<HttpResponse>[] => [
    get(`${HTTP_ROUTES.stats}?from=${day(29)}&to=${day(0)}`),
    get(`${HTTP_ROUTES.stats}?from=${day(6)}&to=${day(0)}`),
    get(`${HTTP_ROUTES.history}?date=${day(3)}`),
    get(`${HTTP_ROUTES.export}?from=${day(29)}&to=${day(0)}`),
    get(HTTP_ROUTES.snapshot),
    get(HTTP_ROUTES.snapshot),
  ];

  it('answers every request and keeps PostgreSQL fresh through several polls', async () => {
    const states: SourceState[] = [];
    const stop = service.onSnapshot((snapshot) => states.push(snapshot.sources.postgres.state));
    const started = Date.now();
    let rounds = 0;
    try {
      // Long enough for the monitor's own timer (every 5 s) to poll twice among the clicks, besides the polls asked
      // for.
      while (rounds < 4 || Date.now() - started < 11_000) {
        const poll = service.monitor.pollNow();
        const answers = await Promise.all([...tab(), ...tab()]);
        await poll;
        expect(answers.map((answer) => [answer.status, answer.status === 200 ? '' : answer.body])).toEqual(
          answers.map(() => [200, '']),
        );
        const [month, week] = answers.map((answer) => answer.body);
        expect(sessionStatsSchema.parse(JSON.parse(month ?? '')).totalSessions).toBeGreaterThanOrEqual(
          sessionStatsSchema.parse(JSON.parse(week ?? '')).totalSessions,
        );
        expect(answers[3]?.body.split('\n').length).toBeGreaterThan(100);
        rounds += 1;
      }
    } finally {
      stop();
    }
    expect(states.length).toBeGreaterThanOrEqual(4);
    expect(states.filter((state) => state !== 'ok')).toEqual([]);
    const snapshot = snapshotSchema.parse(JSON.parse((await get(HTTP_ROUTES.snapshot)).body));
    expect(snapshot.sources.postgres).toMatchObject({ state: 'ok', lastError: null, ageSeconds: null });
    // The monitor's PostgreSQL, the demo's database server, and the demo's own writers, which share its one session.
    expect(problems.filter((message) => /postgres|demo database|failed/i.test(message))).toEqual([]);
  }, 120_000);
});

describe("the demo's database server", () => {
  let db: PGlite;
  let session: SessionServer;
  const open: pg.Client[] = [];

  const connect = async (): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: `postgres://postgres@${session.address}/postgres` });
    // A client the server closes reports it here; the test looks at the query that failed.
    client.on('error', () => undefined);
    await client.connect();
    open.push(client);
    return client;
  };
  const count = async (): Promise<number> =>
    Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]?.n);

  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec('CREATE TABLE t (v int)');
    session = await serveSession(db, { host: '127.0.0.1', idleHoldMs: 1500 });
  });

  afterAll(async () => {
    await Promise.all(open.map((client) => client.end().catch(() => undefined)));
    await session.stop();
    await db.close();
  });

  it("gives each connection its own prepared statements, and drops a closed connection's", async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    // One name, two texts, as two pooled connections each preparing the same name would have it.
    const asked = [a, b, a, b].map((client, index) =>
      client.query<{ v: number }>({
        name: 'same-name',
        text: `SELECT $1::int + ${client === a ? 0 : 1000} AS v`,
        values: [index],
      }),
    );
    expect((await Promise.all(asked)).map((result) => result.rows[0]?.v)).toEqual([0, 1001, 2, 1003]);
    await a.end();
    const c = await connect();
    expect((await c.query<{ v: number }>({ name: 'same-name', text: 'SELECT 7 AS v' })).rows).toEqual([{ v: 7 }]);
    await b.end();
    await c.end();
    await expect
      .poll(async () => (await db.query('SELECT name FROM pg_prepared_statements')).rows, { timeout: 2000 })
      .toEqual([]);
  });

  it("runs one connection's transaction whole: another's queries and the demo's own writes wait for it, and survive its rollback", async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    await a.query('BEGIN');
    await a.query('INSERT INTO t VALUES (1)');
    const seen = { read: false };
    const reading = b.query<{ n: number }>('SELECT count(*)::int AS n FROM t').then((result) => {
      seen.read = true;
      return result.rows[0]?.n;
    });
    const writing = db.query('INSERT INTO t VALUES (2)');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen.read).toBe(false);
    await a.query('ROLLBACK');
    await writing;
    // The demo's own write was not part of A's transaction, and stays; B never saw A's row (before or after the write).
    expect(await count()).toBe(1);
    expect([0, 1]).toContain(await reading);
    await db.exec('DELETE FROM t');
  });

  it('rolls back what a closed connection left open, and closes one that keeps the session idle for too long', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    await a.query('BEGIN');
    await a.query('INSERT INTO t VALUES (1)');
    await a.end();
    expect((await b.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 0 }]);
    await b.query('BEGIN');
    await b.query('INSERT INTO t VALUES (1)');
    const c = await connect().then(async (client) => client.query<{ n: number }>('SELECT count(*)::int AS n FROM t'));
    expect(c.rows).toEqual([{ n: 0 }]);
    await expect(b.query('COMMIT')).rejects.toThrow();
    expect(await count()).toBe(0);
  });
});

describe("the demo's database server, reading PGlite's answers", () => {
  // CommandComplete "SELECT 1", then ReadyForQuery in a transaction block ('T').
  const answer = Buffer.from([0x43, 0, 0, 0, 13, ...Buffer.from('SELECT 1\0'), 0x5a, 0, 0, 0, 5, 0x54]);

  it.each([...Array(answer.length).keys()].slice(1))(
    'tells where an exchange ends however the answer is cut (at byte %i)',
    (cut) => {
      const tracker = new BackendTracker();
      tracker.feed(answer.subarray(0, cut));
      expect(tracker.ready()).toBeNull();
      tracker.feed(answer.subarray(cut));
      expect(tracker.ready()).toBe('T');
      tracker.feed(Buffer.from([0x31, 0, 0, 0, 4]));
      expect(tracker.ready()).toBeNull();
    },
  );
});
