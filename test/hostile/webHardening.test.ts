import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ROUTES, STREAM_EVENTS, TOKEN_HEADER } from '../../src/shared/api';
import type { Snapshot } from '../../src/shared/model';
import type { MonitorEvent } from '../../src/shared/monitorEvent';
import type { MonitorService } from '../../src/main/monitor/monitorService';
import { createStandaloneTables } from '../../src/main/sources/postgres/migrate';
import { STREAM_LIMITS, STREAM_RETRY_AFTER_S, type StreamLimits } from '../../src/main/web/serverSentEvents';
import { createWebServer } from '../../src/main/web/webServer';
import { http, openEventStream, type SseEvent } from '../support/http';
import { idleService } from '../support/idleService';
import { startCliProcess, type LongRunningCli } from '../support/runCliProcess';
import { startPostgres, type ControllableServer } from '../support/servers';
import { insertSessions } from '../support/sessionRows';
import { snapshotAt } from '../support/snapshots';
import { openHeldStream, type HeldStream, type StreamReading } from '../support/streamReader';
import { createTestDatabase, postgresServerMissing, type TestDatabase } from '../support/testDatabase';

const TOKEN = 'test-token-0123456789';
const MIB = 1024 * 1024;

/** Snapshots the test hands out itself, as large and as often as it needs, through the real web server. */
class SnapshotFeed {
  private readonly listeners = new Set<(snapshot: Snapshot) => void>();
  private readonly eventListeners = new Set<(event: MonitorEvent) => void>();
  private latest: Snapshot | null = null;
  private readonly base = snapshotAt(Date.parse('2026-03-10T12:00:00Z'));

  /**
   * Snapshot number `n`, padded to about `bytes`; its number is in its one warning, so a reader can tell which it got.
   */
  publish(n: number, bytes: number): void {
    this.latest = {
      ...this.base,
      warnings: [{ kind: 'session-without-agents', message: `push ${String(n)} ${'x'.repeat(bytes)}` }],
    };
    for (const listener of this.listeners) listener(this.latest);
  }

  /** Monitor event number `n`. */
  announce(n: number): void {
    const event: MonitorEvent = {
      id: `event-${String(n)}`,
      at: '2026-03-10T12:00:00.000Z',
      type: 'agent_spawned',
      origin: 'registry',
      message: 'CTO started',
      role: 'cto',
    };
    for (const listener of this.eventListeners) listener(event);
  }

  wrap(service: MonitorService): MonitorService {
    return {
      ...service,
      getSnapshot: () => this.latest,
      onSnapshot: (listener) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      },
      onEvent: (listener) => {
        this.eventListeners.add(listener);
        return () => this.eventListeners.delete(listener);
      },
    };
  }
}

/** The snapshot number a frame carries, or null for any other frame. */
function pushNumber(frame: { event: string; data: string }): number | null {
  if (frame.event !== STREAM_EVENTS.snapshot) return null;
  const match = /"message":"push (\d+) /.exec(frame.data);
  return match?.[1] === undefined ? null : Number(match[1]);
}

const snapshotsIn = (reading: StreamReading): number[] => reading.frames.map(pushNumber).filter((n) => n !== null);

const servers: Server[] = [];
const detachers: (() => void)[] = [];

/** A web host over a monitor that never polls, fed by `feed`. */
async function startHost(
  feed: SnapshotFeed,
  options: { streamLimits?: StreamLimits; rendererDir?: string | null } = {},
): Promise<{ port: number; server: Server }> {
  const service = idleService();
  const web = createWebServer({
    service: feed.wrap(service),
    controlKey: TOKEN,
    boundHost: '127.0.0.1',
    rendererDir: options.rendererDir ?? null,
    ...(options.streamLimits ? { streamLimits: options.streamLimits } : {}),
  });
  servers.push(web.server);
  detachers.push(web.detach);
  await new Promise<void>((resolve) => web.server.listen(0, '127.0.0.1', resolve));
  const address = web.server.address();
  return { port: typeof address === 'object' && address !== null ? address.port : 0, server: web.server };
}

/** How many connections the server holds open. */
function connectionsOf(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.getConnections((error, count) => {
      if (error) reject(error);
      else resolve(count);
    });
  });
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Hands out `count` snapshots of 1 MiB, yielding between them so the server's
 * sockets get to write: far more than a stalled reader's kernel buffers hold.
 */
async function publishMany(feed: SnapshotFeed, count: number): Promise<void> {
  for (let n = 0; n < count; n += 1) {
    feed.publish(n, MIB);
    await pause(10);
  }
}

afterAll(async () => {
  for (const detach of detachers) detach();
  await Promise.all(
    servers.map(
      (server) =>
        new Promise((resolve) => {
          server.close(resolve);
          server.closeAllConnections();
        }),
    ),
  );
});

describe('a server-sent event stream whose reader stops reading', () => {
  const PUSHES = 64;

  it('holds only the newest snapshot for it, and hands that one over when it reads again', async () => {
    const feed = new SnapshotFeed();
    feed.publish(-1, 10);
    const { port } = await startHost(feed);
    const stalled = await openHeldStream(port, HTTP_ROUTES.stream);
    const live: SseEvent[] = [];
    const closeLive = await openEventStream(port, HTTP_ROUTES.stream, (event) => live.push(event));
    try {
      expect(stalled.status).toBe(200);
      await publishMany(feed, PUSHES);
      const newest = PUSHES - 1;
      const reading = await stalled.read((soFar) => snapshotsIn(soFar).includes(newest));
      const received = snapshotsIn(reading);
      // It gets the newest state at the end, in order, and not every megabyte it missed: the server dropped what was
      // superseded.
      expect(received.at(-1)).toBe(newest);
      expect(received).toEqual([...received].sort((a, b) => a - b));
      expect(received.length).toBeLessThan(PUSHES / 2);
      expect(reading.bytes).toBeLessThan((PUSHES / 2) * MIB);
      expect(reading.closedByServer).toBe(false);
      // A reader that keeps up is not held back by the one that does not.
      await expect
        .poll(() => live.filter((event) => event.event === STREAM_EVENTS.snapshot).at(-1)?.data)
        .toMatchObject({
          warnings: [{ message: expect.stringMatching(new RegExp(`^push ${String(newest)} `)) }],
        });
    } finally {
      stalled.close();
      closeLive();
    }
  }, 60_000);

  it('closes it once it has been behind too long, and a new stream starts from the newest snapshot', async () => {
    const feed = new SnapshotFeed();
    feed.publish(-1, 10);
    const maxStallMs = 500;
    const { port, server } = await startHost(feed, { streamLimits: { ...STREAM_LIMITS, maxStallMs } });
    const stalled = await openHeldStream(port, HTTP_ROUTES.stream);
    try {
      expect(stalled.status).toBe(200);
      await publishMany(feed, PUSHES);
      // Reading now would let it catch up: first wait until the server has let go of its connection.
      await expect.poll(() => connectionsOf(server), { timeout: 10_000 }).toBe(0);
      const reading = await stalled.read((soFar) => snapshotsIn(soFar).includes(PUSHES - 1));
      expect(reading.closedByServer).toBe(true);
      expect(reading.bytes).toBeLessThan((PUSHES / 2) * MIB);
      // What an EventSource does next: reconnect, and get the current picture first.
      const again = await openHeldStream(port, HTTP_ROUTES.stream);
      const fresh = await again.read((soFar) => snapshotsIn(soFar).length > 0);
      again.close();
      expect(snapshotsIn(fresh)[0]).toBe(PUSHES - 1);
    } finally {
      stalled.close();
    }
  }, 60_000);

  it('keeps every event for it while it is behind, and closes it rather than drop some unseen', async () => {
    const feed = new SnapshotFeed();
    feed.publish(-1, 10);
    const { port } = await startHost(feed, { streamLimits: { ...STREAM_LIMITS, maxHeldEvents: 5 } });
    const patient = await openHeldStream(port, HTTP_ROUTES.stream);
    try {
      await publishMany(feed, PUSHES);
      for (let n = 0; n < 5; n += 1) feed.announce(n);
      const kept = await patient.read(
        (soFar) => soFar.frames.filter((frame) => frame.event === STREAM_EVENTS.event).length === 5,
      );
      expect(
        kept.frames
          .filter((frame) => frame.event === STREAM_EVENTS.event)
          .map((frame) => (JSON.parse(frame.data) as MonitorEvent).id),
      ).toEqual(['event-0', 'event-1', 'event-2', 'event-3', 'event-4']);
      expect(kept.closedByServer).toBe(false);
    } finally {
      patient.close();
    }
    const stalled = await openHeldStream(port, HTTP_ROUTES.stream);
    try {
      await publishMany(feed, PUSHES);
      // One more than it may hold: the stream is closed, and the browser reconnects to the current picture.
      for (let n = 0; n < 6; n += 1) feed.announce(n);
      const reading = await stalled.read(
        (soFar) => soFar.frames.filter((frame) => frame.event === STREAM_EVENTS.event).length === 6,
      );
      expect(reading.closedByServer).toBe(true);
      expect(reading.frames.filter((frame) => frame.event === STREAM_EVENTS.event)).toEqual([]);
    } finally {
      stalled.close();
    }
  }, 60_000);

  it('sends the same security headers as every other response', async () => {
    const feed = new SnapshotFeed();
    const { port } = await startHost(feed);
    const stream = await openHeldStream(port, HTTP_ROUTES.stream);
    stream.close();
    expect(stream.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'content-security-policy': expect.stringContaining("default-src 'self'"),
    });
  });
});

describe('the security checks', () => {
  let port: number;
  let rendererDir: string;
  let outside: string;

  beforeAll(async () => {
    [rendererDir, outside] = await Promise.all([
      mkdtemp(join(tmpdir(), 'renderer-')),
      mkdtemp(join(tmpdir(), 'outside-')),
    ]);
    await mkdir(join(rendererDir, 'assets'));
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Delegator Monitor</title>');
    await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(outside, 'secret.txt'), 'not for the browser');
    // Links inside the built dashboard: one to a file outside it, one to a folder outside it, one to a file of its own.
    await symlink(join(outside, 'secret.txt'), join(rendererDir, 'assets', 'leak.js'));
    await symlink(outside, join(rendererDir, 'linked'));
    await symlink(join(rendererDir, 'assets', 'app.js'), join(rendererDir, 'assets', 'alias.js'));
    ({ port } = await startHost(new SnapshotFeed(), { rendererDir }));
  });

  afterAll(async () => {
    await Promise.all([
      rm(rendererDir, { recursive: true, force: true }),
      rm(outside, { recursive: true, force: true }),
    ]);
  });

  const post = (path: string, headers: Record<string, string>, body = '{}') =>
    http({
      port,
      path,
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: TOKEN, ...headers },
      body,
    });
  const until = '2099-01-01T00:00:00.000Z';
  const snooze = (type: string) => post(HTTP_ROUTES.snooze, { 'content-type': type }, JSON.stringify({ until }));

  it.each([
    '[::1]evil.com',
    '[::1]:80evil.com',
    '127.0.0.1:54000@evil.com',
    'localhost:4000:80',
    '127.0.0.1:99999',
    '[::1',
    '[evil.com]',
    'localhost evil.com',
  ])('refuses the malformed Host %j with 403', async (host) => {
    const response = await http({ port, path: HTTP_ROUTES.snapshot, headers: { host } });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toEqual({ error: 'unknown Host' });
  });

  it('refuses a request that carries two Host headers, even two loopback ones', async () => {
    for (const second of ['evil.example', `127.0.0.1:${String(port)}`]) {
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.end(
            `GET ${HTTP_ROUTES.snapshot} HTTP/1.1\r\nHost: 127.0.0.1:${String(port)}\r\nHost: ${second}\r\nConnection: close\r\n\r\n`,
          );
        });
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('end', () => {
          resolve(text);
        });
        socket.on('error', reject);
      });
      expect(reply).toMatch(/^HTTP\/1\.1 403 /);
    }
  });

  it('refuses a POST from an https page of the same host and port, and one from another port', async () => {
    const resume = (headers: Record<string, string>) => post(HTTP_ROUTES.resume, headers);
    expect((await resume({ origin: `https://127.0.0.1:${String(port)}` })).status).toBe(403);
    expect((await resume({ origin: `http://127.0.0.1:${String(port + 1)}` })).status).toBe(403);
    expect((await resume({ origin: 'null' })).status).toBe(403);
    expect((await resume({ origin: `http://127.0.0.1:${String(port)}` })).status).toBe(200);
    expect(
      (await resume({ origin: `http://localhost:${String(port)}`, host: `localhost:${String(port)}` })).status,
    ).toBe(200);
  });

  it.each([
    'application/jsonp',
    'application/json-seq',
    'application/jsonx; charset=utf-8',
    'text/plain; application/json',
    '',
  ])('refuses the Content-Type %j with 415', async (type) => {
    const response = await snooze(type);
    expect(response.status).toBe(415);
    expect(JSON.parse(response.body)).toEqual({ error: 'send JSON with Content-Type: application/json' });
  });

  it.each([
    'application/json',
    'APPLICATION/JSON',
    'application/json; charset=utf-8',
    ' Application/Json ;charset=UTF-8',
  ])('accepts the Content-Type %j', async (type) => {
    const response = await snooze(type);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ snoozedUntil: until });
  });

  it('never serves a file that a link inside the dashboard points to outside it', async () => {
    for (const path of ['/assets/leak.js', '/linked/secret.txt']) {
      const response = await http({ port, path });
      expect(response.status).toBe(404);
      expect(response.body).not.toContain('not for the browser');
    }
    const alias = await http({ port, path: '/assets/alias.js' });
    expect([alias.status, alias.body]).toEqual([200, 'console.log(1)']);
    expect((await http({ port, path: '/' })).status).toBe(200);
  });
});

describe('serve with its own PostgreSQL', () => {
  // A server process, which a test stops and starts again; on PGlite, a database of the file's own for the rest.
  const noServer = postgresServerMissing();
  let postgres: ControllableServer | null = null;
  let embedded: TestDatabase | null = null;
  let serve: LongRunningCli;
  let dataDir: string;
  let port: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'monitor-data-'));
    if (noServer === null) postgres = await startPostgres();
    else embedded = await createTestDatabase({ migrated: false });
    const url = postgres?.url ?? embedded?.url ?? '';
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    admin.on('error', () => undefined);
    await createStandaloneTables(admin);
    await insertSessions(admin, [
      { sessionId: 'earlier-1', category: 'hr', startedAt: '2026-03-10T10:00:00Z', endedAt: '2026-03-10T10:05:00Z' },
    ]);
    await admin.end();
    serve = startCliProcess(['serve', '--port', '0'], {
      DATABASE_URL: url,
      REGISTRY_MODE: 'sessions',
      OLLAMA_ENDPOINT: 'off',
      MONITOR_TIMEOUT_MS: '2000',
      MONITOR_DATA_DIR: dataDir,
    });
    port = Number((await serve.waitFor(/on http:\/\/127\.0\.0\.1:(\d+)\//, 30_000))[1]);
  }, 90_000);

  afterAll(async () => {
    await serve.stop('SIGTERM');
    await postgres?.stop();
    await embedded?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`serves ${String(STREAM_LIMITS.maxStreams)} streams that never read, refuses more with 503 and Retry-After, and keeps answering`, async () => {
    const streams: HeldStream[] = await Promise.all(
      Array.from({ length: 50 }, () => openHeldStream(port, HTTP_ROUTES.stream)),
    );
    try {
      const statuses = streams.map((stream) => stream.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(STREAM_LIMITS.maxStreams);
      expect(statuses.filter((status) => status === 503)).toHaveLength(50 - STREAM_LIMITS.maxStreams);
      const refused = await http({ port, path: HTTP_ROUTES.stream });
      expect(refused.status).toBe(503);
      expect(refused.headers).toMatchObject({
        'retry-after': String(STREAM_RETRY_AFTER_S),
        'content-type': 'application/json; charset=utf-8',
        'x-content-type-options': 'nosniff',
      });
      expect((JSON.parse(refused.body) as { error: string }).error).toMatch(
        /^too many live update streams are open \(at most 32\)/,
      );
      // Everything else still answers while they hang.
      expect((await http({ port, path: HTTP_ROUTES.snapshot })).status).toBe(200);
      // A tab closed frees its place for another.
      streams.find((stream) => stream.status === 200)?.close();
      await expect
        .poll(async () => {
          const another = await openHeldStream(port, HTTP_ROUTES.stream);
          another.close();
          return another.status;
        })
        .toBe(200);
    } finally {
      for (const stream of streams) stream.close();
    }
  }, 60_000);

  it.skipIf(noServer !== null)(
    'answers history, figures and exports with 503 and the reason while PostgreSQL is down, and again once it is back',
    async () => {
      const server = postgres;
      if (server === null) throw new Error('no PostgreSQL server');
      const paths = [
        `${HTTP_ROUTES.history}?date=2026-03-10`,
        `${HTTP_ROUTES.stats}?from=2026-03-01&to=2026-03-31`,
        `${HTTP_ROUTES.export}?from=2026-03-01&to=2026-03-31`,
      ];
      for (const path of paths) expect((await http({ port, path })).status).toBe(200);
      await server.halt();
      try {
        for (const path of paths) {
          const response = await http({ port, path });
          expect(response.status).toBe(503);
          expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
          expect((JSON.parse(response.body) as { error: string }).error).toMatch(
            /^PostgreSQL: .*(ECONNREFUSED|terminat|closed)/i,
          );
        }
      } finally {
        await server.launch();
      }
      for (const path of paths)
        await expect.poll(async () => (await http({ port, path })).status, { timeout: 10_000 }).toBe(200);
      const history = await http({ port, path: paths[0] ?? '' });
      expect((JSON.parse(history.body) as { sessionId: string }[]).map((session) => session.sessionId)).toEqual([
        'earlier-1',
      ]);
    },
    60_000,
  );
});
