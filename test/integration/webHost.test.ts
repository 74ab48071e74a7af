import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ROUTES, STREAM_EVENTS, TOKEN_HEADER } from '../../src/shared/api';
import { sessionStatsSchema, sessionViewSchema, snapshotSchema, type Snapshot } from '../../src/shared/model';
import { monitorEventSchema, resourceSampleSchema } from '../../src/shared/monitorEvent';
import { loadConfig } from '../../src/main/config';
import { SILENT_LOGGER } from '../../src/main/core/logger';
import { startMonitorService, type MonitorService } from '../../src/main/monitor/monitorService';
import { serveCommands } from '../../src/main/simulator/commandChannel';
import { DelegatorWriter } from '../../src/main/simulator/delegatorWriter';
import { Simulator } from '../../src/main/simulator/simulator';
import { createWebServer } from '../../src/main/web/webServer';
import { http, openEventStream, type SseEvent } from '../support/http';
import { promtoolMissing, redisMissing } from '../support/needs';
import { PROMTOOL } from '../support/packages';
import { insertSessions } from '../support/sessionRows';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { createTestRedis, type TestRedis } from '../support/testRedis';

const TOKEN = 'test-token-0123456789';
let db: TestDatabase;
let redis: TestRedis;
// The monitor reads its agents from Redis, and the delegator that answers its commands listens there.
const noRedis = redisMissing();
const noPromtool = promtoolMissing();
let running: MonitorService;
let server: Server;
let detach: () => void;
let port: number;
let rendererDir: string;
let simulator: Simulator;
let commandListener: Redis;

const json = { 'content-type': 'application/json' };
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  http({
    port,
    path,
    method: 'POST',
    headers: { ...json, [TOKEN_HEADER]: TOKEN, ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  [db, redis, rendererDir] = await Promise.all([
    createTestDatabase(),
    createTestRedis(),
    mkdtemp(join(tmpdir(), 'renderer-')),
  ]);
  await mkdir(join(rendererDir, 'assets'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Delegator Monitor</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await insertSessions(db.pool, [
    { sessionId: 'yesterday-1', category: 'hr', startedAt: '2026-03-10T10:00:00Z', endedAt: '2026-03-10T10:05:00Z' },
  ]);
  // A delegator that answers commands, with a session already running.
  const writer = new DelegatorWriter(db.pool, redis.redis, redis.prefix);
  simulator = new Simulator({ writer, mode: 'sessions', seed: 5, speed: 0.001, hostName: 'test' });
  commandListener = new Redis(redis.url);
  commandListener.on('error', () => undefined);
  await serveCommands(commandListener, redis.prefix, simulator, writer, SILENT_LOGGER);
  await simulator.startWarm();
  const config = loadConfig({
    // Other test files run ECHO-like agent processes side by side; this one is not about them.
    MONITOR_AGENT_PROCESSES: 'off',
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    OLLAMA_ENDPOINT: 'off',
    // A minute between polls: anything faster than that came from an announcement.
    MONITOR_POLL_MS: '60000',
  });
  running = await startMonitorService({ kind: 'echo', config }, { timeZone: 'UTC', defaultDataDir: null });
  const web = createWebServer({
    service: running,
    controlKey: TOKEN,
    boundHost: '127.0.0.1',
    rendererDir,
  });
  server = web.server;
  detach = web.detach;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : 0;
});

afterAll(async () => {
  detach();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  await running.close();
  await simulator.stop();
  commandListener.disconnect();
  await Promise.all([db.drop(), redis.close(), rm(rendererDir, { recursive: true, force: true })]);
});

describe.skipIf(noRedis !== null)('the HTTP API', () => {
  it('serves the current snapshot', async () => {
    const response = await http({ port, path: HTTP_ROUTES.snapshot });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const snapshot = snapshotSchema.parse(JSON.parse(response.body));
    expect(snapshot.summary.activeSessions).toBe(1);
    expect(snapshot.summary.agentsFrom).toContain('registry');
  });

  it("serves any day's history and a range's figures", async () => {
    const history = await http({ port, path: `${HTTP_ROUTES.history}?date=2026-03-10` });
    expect(history.status).toBe(200);
    expect(
      sessionViewSchema
        .array()
        .parse(JSON.parse(history.body))
        .map((session) => [session.sessionId, session.durationSeconds]),
    ).toEqual([['yesterday-1', 300]]);
    const stats = await http({ port, path: `${HTTP_ROUTES.stats}?from=2026-03-01&to=2026-03-31` });
    expect(sessionStatsSchema.parse(JSON.parse(stats.body))).toMatchObject({
      totalSessions: 1,
      categoryBreakdown: { hr: 1 },
    });
  });

  it.each([
    [`${HTTP_ROUTES.history}?date=yesterday`, 'date: expected a date as YYYY-MM-DD'],
    [HTTP_ROUTES.history, 'date:'],
    [`${HTTP_ROUTES.stats}?from=2026-03-31&to=2026-03-01`, 'from must not be after to'],
    [`${HTTP_ROUTES.stats}?from=2020-01-01&to=2026-03-01`, 'at most 366 days at a time'],
  ])('answers %s with 400 and the reason', async (path, reason) => {
    const response = await http({ port, path });
    expect(response.status).toBe(400);
    expect((JSON.parse(response.body) as { error: string }).error).toContain(reason);
  });

  it('serves the resource series and the event log', async () => {
    const series = await http({ port, path: HTTP_ROUTES.series });
    expect(resourceSampleSchema.array().parse(JSON.parse(series.body)).length).toBeGreaterThan(0);
    const events = await http({ port, path: HTTP_ROUTES.events });
    expect(monitorEventSchema.array().parse(JSON.parse(events.body))).toEqual(expect.any(Array));
  });

  it('pushes a registry change over server-sent events within a second', async () => {
    const received: SseEvent[] = [];
    const close = await openEventStream(port, HTTP_ROUTES.stream, (event) => received.push(event));
    try {
      await expect.poll(() => received.length).toBeGreaterThan(0);
      expect(received[0]?.event).toBe(STREAM_EVENTS.snapshot);
      const changedAt = Date.now();
      await redis.redis.hset(`${redis.prefix}agents`, 'chro', JSON.stringify({ role: 'chro', model: 'llama3.1:8b' }));
      await redis.redis.publish(
        `${redis.prefix}events`,
        JSON.stringify({ type: 'agent_spawned', at: new Date().toISOString(), role: 'chro' }),
      );
      await expect
        .poll(
          () =>
            received.some(
              (event) =>
                event.event === STREAM_EVENTS.snapshot &&
                ((event.data as Snapshot).agents ?? []).some((agent) => agent.role === 'chro'),
            ),
          { timeout: 1000, interval: 10 },
        )
        .toBe(true);
      expect(Date.now() - changedAt).toBeLessThan(1000);
      expect(
        received.some(
          (event) => event.event === STREAM_EVENTS.event && (event.data as { role?: string }).role === 'chro',
        ),
      ).toBe(true);
    } finally {
      close();
      await redis.redis.hdel(`${redis.prefix}agents`, 'chro');
    }
  });

  it('sends commands to the delegator and returns its answer', async () => {
    const snapshot = snapshotSchema.parse(JSON.parse((await http({ port, path: HTTP_ROUTES.snapshot })).body));
    // One of the delegator's own agents (they carry its session id).
    const role = snapshot.agents?.find((agent) => agent.sessionId !== null)?.role ?? '';
    const stopped = await post(HTTP_ROUTES.commands, { type: 'stop_agent', role });
    expect(stopped.status).toBe(200);
    expect(JSON.parse(stopped.body)).toMatchObject({ ok: true, id: expect.any(String) });
    const refused = await post(HTTP_ROUTES.commands, { type: 'stop_agent', role: 'janitor' });
    expect(JSON.parse(refused.body)).toMatchObject({ ok: false, error: 'no running agent janitor' });
    const malformed = await post(HTTP_ROUTES.commands, { type: 'reboot' });
    expect(malformed.status).toBe(400);
  });

  it('snoozes and resumes notifications', async () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const snoozed = await post(HTTP_ROUTES.snooze, { until });
    expect(JSON.parse(snoozed.body)).toEqual({ snoozedUntil: until });
    const resumed = await post(HTTP_ROUTES.resume, {});
    expect(JSON.parse(resumed.body)).toEqual({ snoozedUntil: null });
  });

  it('serves the built dashboard, and nothing outside it', async () => {
    const page = await http({ port, path: '/' });
    expect([page.status, page.headers['content-type'], page.body]).toEqual([
      200,
      'text/html; charset=utf-8',
      '<!doctype html><title>Delegator Monitor</title>',
    ]);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    const script = await http({ port, path: '/assets/app.js' });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    for (const path of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/../../secret', '/%E0%A4%A']) {
      expect((await http({ port, path })).status).toBe(404);
    }
    expect((await http({ port, path: '/api/unknown' })).status).toBe(404);
  });
});

describe.skipIf(noRedis !== null)('the security rules', () => {
  it.each(['evil.example', 'evil.example:80', 'localhost.evil.example', '10.0.0.5'])(
    'refuses Host %j with 403',
    async (host) => {
      const response = await http({ port, path: HTTP_ROUTES.snapshot, headers: { host } });
      expect(response.status).toBe(403);
    },
  );

  it('refuses a request with no Host at all', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end(`GET ${HTTP_ROUTES.snapshot} HTTP/1.0\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => {
        resolve(text);
      });
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.[01] 403 /);
  });

  it.each(['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'dashboard.localhost'])(
    'answers loopback Host %s',
    async (name) => {
      const response = await http({ port, path: HTTP_ROUTES.snapshot, headers: { host: `${name}:${port}` } });
      expect(response.status).toBe(200);
    },
  );

  it('refuses a POST without the token, or with a wrong one', async () => {
    const without = await http({ port, path: HTTP_ROUTES.resume, method: 'POST', headers: json, body: '{}' });
    expect(without.status).toBe(401);
    const wrong = await post(HTTP_ROUTES.resume, {}, { [TOKEN_HEADER]: 'guess' });
    expect(wrong.status).toBe(401);
  });

  it('refuses a cross-origin POST even with the token', async () => {
    const response = await post(HTTP_ROUTES.resume, {}, { origin: 'http://evil.example' });
    expect(response.status).toBe(403);
    const sameOrigin = await post(HTTP_ROUTES.resume, {}, { origin: `http://127.0.0.1:${port}` });
    expect(sameOrigin.status).toBe(200);
  });

  it('changes nothing on GET, and never sends CORS headers', async () => {
    const get = await http({ port, path: HTTP_ROUTES.snooze });
    expect(get.status).toBe(405);
    const preflight = await http({
      port,
      path: HTTP_ROUTES.commands,
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example' },
    });
    expect(preflight.status).not.toBe(200);
    for (const response of [
      get,
      preflight,
      await http({ port, path: HTTP_ROUTES.snapshot, headers: { origin: 'http://evil.example' } }),
    ]) {
      expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('wants JSON, and not too much of it', async () => {
    expect(
      (await post(HTTP_ROUTES.snooze, { until: new Date().toISOString() }, { 'content-type': 'text/plain' })).status,
    ).toBe(415);
    const huge = await http({
      port,
      path: HTTP_ROUTES.snooze,
      method: 'POST',
      headers: { ...json, [TOKEN_HEADER]: TOKEN },
      body: JSON.stringify({ until: 'x'.repeat(100_000) }),
    });
    expect(huge.status).toBe(413);
  });

  it("hands nobody the control key: the page gets it from its address, which only the monitor's user can read", async () => {
    const response = await http({ port, path: '/api/bootstrap' });
    expect(response.status).toBe(404);
    expect(response.body).not.toContain(TOKEN);
  });
});

describe.skipIf(noRedis !== null)('/metrics', () => {
  it('is valid Prometheus text with agents, memory, sessions, sources and alerts', async () => {
    const response = await http({ port, path: HTTP_ROUTES.metrics });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = response.body.trimEnd().split('\n');
    for (const line of lines) {
      expect(line).toMatch(
        /^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{([a-z_]+="([^"\\\n]|\\["\\n])*",?)+\})? -?[0-9.e+-]+)$/,
      );
    }
    const families = parsePrometheusTextFormat(response.body);
    const byName = new Map(families.map((family) => [family.name, family]));
    expect(byName.get('delegator_agents')?.metrics[0]?.value).toMatch(/^\d+$/);
    // Base units: whole bytes, and the same label set on every sample of a family.
    const memory = byName.get('delegator_agents_memory_bytes')?.metrics ?? [];
    expect(memory.map((metric) => metric.labels?.kind)).toContain('estimated');
    for (const metric of memory)
      expect([Object.keys(metric.labels ?? {}), /^\d+$/.test(metric.value ?? '')]).toEqual([['kind'], true]);
    expect(byName.get('delegator_sessions_active')?.metrics[0]?.value).toBe('1');
    expect(byName.get('delegator_source_up')?.metrics).toEqual([
      { labels: { source: 'postgres' }, value: '1' },
      { labels: { source: 'registry' }, value: '1' },
    ]);
    expect(byName.get('delegator_alert_level')?.metrics.map((metric) => metric.labels?.alert)).toContain(
      'memory-vs-ram',
    );
    expect(byName.get('delegator_build_info')?.metrics).toEqual([
      {
        labels: { version: '0.1.0', commit: expect.stringMatching(/^([0-9a-f]{7,40}|unknown)$/) as unknown },
        value: '1',
      },
    ]);
    for (const family of families) expect(family.type).toBe(family.name.endsWith('_total') ? 'COUNTER' : 'GAUGE');
  });

  it.skipIf(noPromtool !== null)(
    "passes Prometheus' own linter, promtool check metrics, with nothing to say",
    async () => {
      const response = await http({ port, path: HTTP_ROUTES.metrics });
      const checked = spawnSync(PROMTOOL, ['check', 'metrics'], { input: response.body, encoding: 'utf8' });
      expect([checked.status, checked.stdout + checked.stderr]).toEqual([0, '']);
    },
  );
});
