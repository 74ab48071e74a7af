import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DATABASE_WORKER_FILE,
  databaseWorkerScript,
  startDatabaseWorker,
} from '../../src/main/demo/databaseWorkerHost';
import { startDemo } from '../../src/main/demo/demoEnvironment';
import { DEMO_HISTORY_DAYS, DEMO_SEED, startDatabaseEarly, takeEarlyDatabase } from '../../src/main/demo/earlyDatabase';
import { recordingLog } from '../support/recordingLog';

/** Two days of history and today's, as the demo writes a month of it. */
const HISTORY = { seed: 7, days: 2, now: Date.now() };

let folder: string;
let cacheBefore: string | undefined;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'demo-worker-'));
  // A cache of this file's own: the first demo makes its database with initdb, seconds of PostgreSQL's work.
  cacheBefore = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = join(folder, 'cache');
});
afterAll(async () => {
  if (cacheBefore === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = cacheBefore;
  await rm(folder, { recursive: true, force: true });
});

/** How many of a kind of handle keep this process alive: a running thread holds a MessagePort, a server a TCPServerWrap. */
const handles = (kind: string): number => process.getActiveResourcesInfo().filter((name) => name === kind).length;

/** The longest this thread went without running a 10 ms timer while `work` ran. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 10);
  try {
    return { result: await work(), stallMs };
  } finally {
    clearInterval(timer);
  }
}

async function count(address: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: `postgres://postgres@${address}/postgres` });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(sql);
    return rows[0]?.n ?? -1;
  } finally {
    await client.end();
  }
}

describe("the demo's database thread", () => {
  it("makes and loads PGlite off this thread: this thread's timers keep running while the demo starts", async () => {
    const ports = handles('MessagePort');
    // The first start makes the database from nothing (initdb, then a copy kept): seconds of PostgreSQL's work, which
    // on this thread stalled it for as long.
    const { result: demo, stallMs } = await longestStall(() => startDemo({ dataDir: join(folder, 'first') }));
    try {
      expect(demo.backfilled).toBeGreaterThan(100);
      expect(handles('MessagePort')).toBe(ports + 1);
      // Far more than a timer's lateness on a busy machine, far less than PGlite's start.
      expect(stallMs).toBeLessThan(300);
    } finally {
      await demo.stop();
    }
    expect(handles('MessagePort')).toBe(ports);
  }, 120_000);

  it('is served over PostgreSQL’s protocol with its history written once, keeps what was written, and leaves no thread behind', async () => {
    const dataDir = join(folder, 'kept');
    await mkdir(folder, { recursive: true });
    const ports = handles('MessagePort');
    const { log, lines } = recordingLog();
    const first = await startDatabaseWorker({ dataDir, history: HISTORY, log });
    expect(first.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(first.backfilled).toBeGreaterThan(0);
    expect(first.backfilledMessages).toBeGreaterThan(0);
    // Its lines reach this thread's log: it opened the copy the test before kept.
    expect(lines).toContainEqual(expect.stringMatching(/^debug database loaded from the kept copy /));
    expect(
      await count(first.address, "INSERT INTO agent_status VALUES ('ceo', 'running', now()) RETURNING 1 AS n"),
    ).toBe(1);
    await first.stop();
    await first.stop();
    expect(handles('MessagePort')).toBe(ports);
    // PGlite closed its folder cleanly: the next thread opens it as it was left.
    const second = await startDatabaseWorker({ dataDir, history: HISTORY, log });
    try {
      expect([second.backfilled, second.backfilledMessages]).toEqual([0, 0]);
      expect(await count(second.address, 'SELECT count(*)::int AS n FROM agent_status')).toBe(1);
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('fails the demo’s start with the database’s own reason, leaving no thread or port behind', async () => {
    const dataDir = join(folder, 'refused');
    await mkdir(dataDir, { recursive: true });
    await symlink(join(folder, 'elsewhere'), join(dataDir, 'demo-pgdata'));
    const ports = handles('MessagePort');
    const servers = handles('TCPServerWrap');
    await expect(startDemo({ dataDir })).rejects.toThrow(
      /demo-pgdata is a symbolic link: the demo neither opens nor removes it\. Remove it/,
    );
    // The Ollama stand-in, started while the database loaded, was closed again (its handle goes a moment after).
    await expect.poll(() => [handles('MessagePort'), handles('TCPServerWrap')]).toEqual([ports, servers]);
  }, 60_000);

  it('says why a thread whose program fails stopped before it served, and leaves nothing running', async () => {
    const ports = handles('MessagePort');
    const throws = join(folder, 'throws.mjs');
    await writeFile(throws, "throw new Error('no WebAssembly here');\n");
    await expect(
      startDatabaseWorker({ dataDir: null, history: HISTORY, script: { path: throws, tsxApi: null } }),
    ).rejects.toThrow("The demo's database thread failed: no WebAssembly here");
    const exits = join(folder, 'exits.mjs');
    await writeFile(exits, 'process.exit(3);\n');
    await expect(
      startDatabaseWorker({ dataDir: null, history: HISTORY, script: { path: exits, tsxApi: null } }),
    ).rejects.toThrow("The demo's database thread ended (exit code 3) before it served");
    const talks = join(folder, 'talks.mjs');
    await writeFile(
      talks,
      "import { parentPort } from 'node:worker_threads';\nparentPort.postMessage({ kind: 'ready', address: 'anywhere' });\nsetInterval(() => undefined, 1000);\n",
    );
    await expect(
      startDatabaseWorker({ dataDir: null, history: HISTORY, script: { path: talks, tsxApi: null } }),
    ).rejects.toThrow("The demo's database thread sent what it never sends");
    expect(handles('MessagePort')).toBe(ports);
  });
});

describe('a database started early', () => {
  it('is taken, once, by the demo that starts on its folder with the default history, which starts no other', async () => {
    const dataDir = join(folder, 'early');
    const ports = handles('MessagePort');
    startDatabaseEarly(dataDir, recordingLog().log);
    expect(takeEarlyDatabase(join(folder, 'elsewhere'), DEMO_SEED, DEMO_HISTORY_DAYS)).toBeNull();
    expect(takeEarlyDatabase(dataDir, DEMO_SEED + 1, DEMO_HISTORY_DAYS)).toBeNull();
    expect(takeEarlyDatabase(dataDir, DEMO_SEED, 7)).toBeNull();
    const demo = await startDemo({ dataDir });
    try {
      expect(handles('MessagePort')).toBe(ports + 1);
      expect(demo.backfilled).toBeGreaterThan(100);
      expect(takeEarlyDatabase(dataDir, DEMO_SEED, DEMO_HISTORY_DAYS)).toBeNull();
    } finally {
      await demo.stop();
    }
    expect(handles('MessagePort')).toBe(ports);
  }, 60_000);
});

describe("the database thread's program", () => {
  it('is found built beside the entry, from the entry or a chunk below it, and said missing otherwise', async () => {
    const out = join(folder, 'out', 'main');
    await mkdir(join(out, 'chunks'), { recursive: true });
    await writeFile(join(out, DATABASE_WORKER_FILE), '');
    for (const module of [join(out, 'index.js'), join(out, 'chunks', 'demoEnvironment-x.js')]) {
      expect(databaseWorkerScript(pathToFileURL(module).href)).toEqual({
        path: join(out, DATABASE_WORKER_FILE),
        tsxApi: null,
      });
    }
    const bare = join(folder, 'bare', 'chunks', 'demoEnvironment-x.js');
    expect(() => databaseWorkerScript(pathToFileURL(bare).href)).toThrow(
      `The demo's database program ${DATABASE_WORKER_FILE} is missing beside ${bare}: build the app again`,
    );
  });
});
