import type { Server } from 'node:http';
import pg from 'pg';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/main/config';
import { startMonitorService } from '../src/main/monitor/monitorService';
import { createStandaloneTables } from '../src/main/sources/postgres/migrate';
import { createWebServer } from '../src/main/web/webServer';
import { launchChromium } from '../test/support/browser';
import { startFakeOllama } from '../test/support/fakeOllama';
import { insertSessions } from '../test/support/sessionRows';
import { percentile, progress, round } from './stats';

const ROLES = Array.from({ length: 20 }, (_, index) => `agent_${String(index).padStart(2, '0')}`);
const GIB = 1024 ** 3;

function psBody(changedGb: number): string {
  return JSON.stringify({
    models: ROLES.map((role, index) => ({
      name: `${role}:7b`,
      model: `${role}:7b`,
      size: Math.round((index === 7 ? changedGb : 4) * GIB),
      size_vram: 0,
    })),
  });
}

/**
 * Instruments the page: times each snapshot from its arrival to React's
 * commit, and to the end of the frame that shows it, and counts the rows that
 * redrew.
 */
const INSTRUMENT = `
  window.__benchUpdates = [];
  // Navigation to the first snapshot painted: the summary cards in the page, then the frame that shows them.
  const watch = new MutationObserver(() => {
    if (!document.querySelector('[aria-label="Resource summary"]')) return;
    watch.disconnect();
    requestAnimationFrame(() => { window.__firstSnapshotPaintedMs = performance.now(); });
  });
  watch.observe(document, { childList: true, subtree: true });
  let counts = [];
  window.__delegatorMonitorRenders = { count: (name) => counts.push(name) };
  const add = EventSource.prototype.addEventListener;
  EventSource.prototype.addEventListener = function (type, listener, options) {
    if (type !== 'snapshot') return add.call(this, type, listener, options);
    return add.call(this, type, (event) => {
      counts = [];
      const started = performance.now();
      listener(event);
      const handledMs = performance.now() - started;
      // React renders and commits a store update in a microtask queued by the listener, so this one runs after it.
      queueMicrotask(() => {
        const ms = performance.now() - started;
        const rendered = counts.slice();
        // A task posted from the next animation frame runs once that frame's style, layout and paint are done.
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => window.__benchUpdates.push({ ms, handledMs, frameMs: performance.now() - started, rendered });
          channel.port2.postMessage(null);
        });
      });
    }, options);
  };
`;

/** The dashboard in Chromium with 50 active sessions and 20 agents, one agent's memory changing per update. */
export async function measureRender(databaseUrl: string, redisUrl: string, rendererDir: string, updates: number) {
  const admin = new pg.Pool({ connectionString: databaseUrl });
  admin.on('error', () => undefined);
  await admin.query('DROP DATABASE IF EXISTS bench_render');
  await admin.query('CREATE DATABASE bench_render');
  await admin.end();
  const url = new URL(databaseUrl);
  url.pathname = '/bench_render';
  const db = new pg.Pool({ connectionString: url.toString() });
  db.on('error', () => undefined);
  await createStandaloneTables(db);
  const started = Date.now() - 600_000;
  await insertSessions(
    db,
    Array.from({ length: 50 }, (_, index) => ({
      sessionId: `render_${String(index)}`,
      agents: [],
      startedAt: new Date(started + index * 1000).toISOString(),
    })),
  );
  const redis = new Redis(redisUrl);
  redis.on('error', () => undefined);
  const prefix = 'bench_render:';
  await redis.hset(
    `${prefix}agents`,
    Object.fromEntries(ROLES.map((role) => [role, JSON.stringify({ role, model: `${role}:7b` })])),
  );
  const ollama = await startFakeOllama({ kind: 'answer', body: psBody(4) });
  const config = loadConfig({
    MONITOR_AGENT_PROCESSES: 'off',
    DATABASE_URL: url.toString(),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    OLLAMA_ENDPOINT: ollama.endpoint,
    MONITOR_POLL_MS: '600000',
  });
  const running = await startMonitorService({ kind: 'echo', config }, { timeZone: 'UTC', defaultDataDir: null });
  const web = createWebServer({
    service: running,
    controlKey: 'bench-control-key-0123',
    boundHost: '127.0.0.1',
    rendererDir,
  });
  const server: Server = web.server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(INSTRUMENT);
    await page.goto(`http://127.0.0.1:${String(port)}/`);
    await page.getByRole('region', { name: 'Spawned Agents' }).waitFor({ timeout: 15_000 });
    await page.waitForFunction(
      () => (window as unknown as { __firstSnapshotPaintedMs?: number }).__firstSnapshotPaintedMs !== undefined,
      undefined,
      { timeout: 10_000 },
    );
    const firstPaintMs = await page.evaluate(
      () => (window as unknown as { __firstSnapshotPaintedMs: number }).__firstSnapshotPaintedMs,
    );
    progress(`render: ${String(updates)} updates of one agent's memory`);
    for (let update = 0; update < updates; update += 1) {
      const before = await page.evaluate(
        () => (window as unknown as { __benchUpdates: unknown[] }).__benchUpdates.length,
      );
      ollama.behave({ kind: 'answer', body: psBody(update % 2 === 0 ? 5 : 4) });
      await redis.publish(
        `${prefix}events`,
        JSON.stringify({ type: 'agent_spawned', at: new Date().toISOString(), role: ROLES[7] }),
      );
      await page.waitForFunction(
        (count) => (window as unknown as { __benchUpdates: unknown[] }).__benchUpdates.length > count,
        before,
        { timeout: 10_000 },
      );
    }
    const measured = await page.evaluate(
      () =>
        (
          window as unknown as {
            __benchUpdates: Array<{ ms: number; handledMs: number; frameMs: number; rendered: string[] }>;
          }
        ).__benchUpdates,
    );
    // The first updates settle the page; the rest are the steady state.
    const steady = measured.slice(-updates);
    // Rows are named `agent:<role>` or `session:<id>`; a whole section (the forecast) is counted apart, since its own data can change too.
    const isRow = (name: string): boolean => name.includes(':');
    const rendered = steady.map((entry) => entry.rendered.filter(isRow).length);
    // Every update changes one agent's row; a row not drawn by the microtask would mean React committed later, and the time measured were not the commit's.
    if (rendered.includes(0)) throw new Error("an update's row was not drawn by the time its commit was timed");
    return {
      /** From navigation to the frame that first shows a snapshot, in Chromium, from serve. */
      firstSnapshotPaintedMs: round(firstPaintMs),
      commitP50Ms: round(
        percentile(
          steady.map((entry) => entry.ms),
          50,
        ),
      ),
      commitP95Ms: round(
        percentile(
          steady.map((entry) => entry.ms),
          95,
        ),
      ),
      /** To the end of the frame that shows the update: the commit, the wait for the next frame, and its style, layout and paint. */
      framePaintedP50Ms: round(
        percentile(
          steady.map((entry) => entry.frameMs),
          50,
        ),
      ),
      framePaintedP95Ms: round(
        percentile(
          steady.map((entry) => entry.frameMs),
          95,
        ),
      ),
      /** The part spent in the stream's listener itself: JSON, zod and the store. */
      listenerP50Ms: round(
        percentile(
          steady.map((entry) => entry.handledMs),
          50,
        ),
      ),
      componentsRerendered: Math.max(...rendered),
      rowsRerenderedEach: [...new Set(steady.flatMap((entry) => entry.rendered.filter(isRow)))].sort(),
      sectionsRerendered: [...new Set(steady.flatMap((entry) => entry.rendered.filter((name) => !isRow(name))))].sort(),
      updates: steady.length,
    };
  } finally {
    await browser.close();
    web.detach();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    await running.close();
    await ollama.close();
    await redis.del(`${prefix}agents`);
    redis.disconnect();
    await db.end();
  }
}
