import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ROUTES } from '../../src/shared/api';
import type { MonitorEvent } from '../../src/shared/monitorEvent';
import { loadConfig } from '../../src/main/config';
import { eventsInMemory } from '../../src/main/export/eventEntries';
import type { ExportSources } from '../../src/main/export/exportChunks';
import { Monitor } from '../../src/main/monitor/monitor';
import { assembleService } from '../../src/main/monitor/monitorService';
import { SessionStore } from '../../src/main/sources/postgres/sessionStore';
import type { SqlClient } from '../../src/main/sources/postgres/sqlClient';
import { LEFT_OUT_TRAILER } from '../../src/main/web/exportRoute';
import { createWebServer } from '../../src/main/web/webServer';
import { http } from '../support/http';
import { SETTINGS } from '../support/readings';
import { insertSessions } from '../support/sessionRows';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

const EVENT: MonitorEvent = {
  id: 'e1',
  at: '2026-11-24T14:23:05.000Z',
  type: 'agent_spawned',
  origin: 'registry',
  message: 'Senior Developer started',
  role: 'senior_developer',
};

let db: TestDatabase;
let databaseDown = false;
const servers: Server[] = [];

/** A web host over a monitor that never polls: the export route needs only its sources. */
async function startHost(exports: ExportSources | null): Promise<number> {
  const monitor = new Monitor({
    read: () => Promise.reject(new Error('not polled in this test')),
    settings: SETTINGS,
    pollMs: 60_000,
  });
  const service = assembleService({
    monitor,
    config: loadConfig({ DATABASE_URL: db.url }),
    store: new SessionStore(db.pool, 'UTC'),
    commands: null,
    unloader: null,
    exports,
    close: () => monitor.stop(),
  });
  const web = createWebServer({
    service,
    controlKey: 'test-token-0123456789',
    boundHost: '127.0.0.1',
    rendererDir: null,
  });
  servers.push(web.server);
  await new Promise<void>((resolve) => web.server.listen(0, '127.0.0.1', resolve));
  const address = web.server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

let port: number;
let bareHostPort: number;

beforeAll(async () => {
  db = await createTestDatabase();
  await insertSessions(db.pool, [
    {
      sessionId: 'a-dev',
      category: 'development',
      description: 'Größe, "quoted"',
      startedAt: '2026-11-24T14:23:05Z',
      endedAt: '2026-11-24T14:43:05Z',
    },
    { sessionId: 'b-fix', category: 'quick_fix', startedAt: '2026-11-01T00:30:00Z', endedAt: null, status: 'active' },
    { sessionId: 'broken', startedAt: '2026-11-02T00:30:00Z', endedAt: '2026-11-01T00:30:00Z' },
    { sessionId: 'c-later', startedAt: '2026-11-25T00:00:00Z' },
  ]);
  // The database can be made to fail, to see what a download does with PostgreSQL down.
  const sql: SqlClient = {
    query: (text, values) =>
      databaseDown ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5433')) : db.pool.query(text, values),
  };
  port = await startHost({ sql, events: () => eventsInMemory([EVENT]), timeZone: 'Europe/Berlin', pageSize: 1 });
  bareHostPort = await startHost(null);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await db.drop();
});

/** A GET that also reads the trailers sent after the body. */
function download(
  path: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string; trailers: NodeJS.Dict<string> }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body, trailers: response.trailers });
      });
    });
    request.on('error', reject);
    request.end();
  });
}

describe(`GET ${HTTP_ROUTES.export}`, () => {
  it('streams CSV as an attachment named after what and which days, with the usual security headers', async () => {
    const response = await download(`${HTTP_ROUTES.export}?from=2026-11-01&to=2026-11-24`);
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="delegator-sessions-2026-11-01-to-2026-11-24.csv"',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'content-security-policy': expect.stringContaining("default-src 'self'"),
      // Streamed, never measured up front.
      'transfer-encoding': 'chunked',
    });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.body).toBe(
      'session_id,task_category,task_description,status,active_agents,total_agents_spawned,tasks_delegated,started_at,ended_at,duration_seconds\r\n' +
        'b-fix,quick_fix,Work on quick_fix,active,senior_developer,1,0,2026-11-01T01:30:00+01:00,,\r\n' +
        'a-dev,development,"Größe, ""quoted""",completed,senior_developer;test_lead,2,0,2026-11-24T15:23:05+01:00,2026-11-24T15:43:05+01:00,1200\r\n',
    );
    expect(response.trailers[LEFT_OUT_TRAILER]).toBe('1');
  });

  it('streams JSON and the event log when asked', async () => {
    const sessions = await download(`${HTTP_ROUTES.export}?from=2026-11-24&to=2026-11-24&format=json`);
    expect(sessions.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(sessions.headers['content-disposition']).toBe(
      'attachment; filename="delegator-sessions-2026-11-24-to-2026-11-24.json"',
    );
    expect((JSON.parse(sessions.body) as { session_id: string }[]).map((session) => session.session_id)).toEqual([
      'a-dev',
    ]);
    const events = await download(`${HTTP_ROUTES.export}?from=2026-11-24&to=2026-11-24&what=events`);
    expect(events.headers['content-disposition']).toBe(
      'attachment; filename="delegator-events-2026-11-24-to-2026-11-24.csv"',
    );
    expect(events.body).toBe(
      'at,type,origin,message,role,session_id,model,id\r\n2026-11-24T15:23:05+01:00,agent_spawned,registry,Senior Developer started,senior_developer,,,e1\r\n',
    );
  });

  it.each([
    ['', 'from:'],
    ['?from=2026-11-01', 'to:'],
    ['?from=2026-11-31&to=2026-12-01', 'from: no such calendar date'],
    ['?from=2026-11-01&to=9999-12-31', 'to: out of the supported range, 1970-01-01 to 9999-12-30'],
    ['?from=2026-11-24&to=2026-11-01', 'from must not be after to'],
    ['?from=2026-11-01&to=2026-11-24&format=xlsx', 'format: expected one of csv, json'],
    ['?from=2026-11-01&to=2026-11-24&what=agents', 'what: expected one of sessions, events'],
  ])('answers %j with 400 and the reason', async (search, reason) => {
    const response = await http({ port, path: `${HTTP_ROUTES.export}${search}` });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['content-disposition']).toBeUndefined();
    expect((JSON.parse(response.body) as { error: string }).error).toContain(reason);
  });

  it.each(['cross-site', 'same-site'])('refuses a download another site started (Sec-Fetch-Site: %s)', async (site) => {
    const response = await http({
      port,
      path: `${HTTP_ROUTES.export}?from=2026-11-01&to=2026-11-24`,
      headers: { 'sec-fetch-site': site },
    });
    expect(response.status).toBe(403);
    expect(response.body).not.toContain('a-dev');
  });

  it('answers a foreign Host with 403 and no data (DNS rebinding)', async () => {
    const response = await http({
      port,
      path: `${HTTP_ROUTES.export}?from=2026-11-01&to=2026-11-24`,
      headers: { host: `attacker.example:${port}` },
    });
    expect(response.status).toBe(403);
    expect(response.body).not.toContain('a-dev');
  });

  it('answers 503 with the reason when PostgreSQL is down, before any file starts', async () => {
    databaseDown = true;
    try {
      const response = await http({ port, path: `${HTTP_ROUTES.export}?from=2026-11-01&to=2026-11-24` });
      expect(response.status).toBe(503);
      expect(response.headers['content-disposition']).toBeUndefined();
      expect(JSON.parse(response.body)).toEqual({ error: 'PostgreSQL: connect ECONNREFUSED 127.0.0.1:5433' });
    } finally {
      databaseDown = false;
    }
  });

  it('answers 503 where the host was started without exports', async () => {
    const response = await http({ port: bareHostPort, path: `${HTTP_ROUTES.export}?from=2026-11-01&to=2026-11-24` });
    expect(response.status).toBe(503);
  });

  it('refuses other methods', async () => {
    const response = await http({
      port,
      path: `${HTTP_ROUTES.export}?from=2026-11-01&to=2026-11-24`,
      method: 'POST',
      headers: { 'x-monitor-token': 'test-token-0123456789' },
    });
    expect(response.status).toBe(405);
  });
});
