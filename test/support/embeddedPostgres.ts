// PostgreSQL without a server: PGlite, the demo's embedded database, served
// over the PostgreSQL protocol by the demo's own session server. PGlite holds
// one database and one backend session, so each test file gets an instance
// of its own, loaded from a template the run makes once, in a process of its
// own (embeddedPostgresServer.ts): PGlite runs each query on the thread that
// holds it, and a test's own event loop, its timers and any command it runs
// synchronously must not wait on it.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { diesWithParent } from './parentDeath';

/**
 * As on the test server: an unusual time zone proves the queries never
 * depend on it. A small shared_buffers, as the demo's: the default 128 MB is
 * memory PGlite touches at every start.
 */
export const EMBEDDED_SETTINGS: PGliteOptions = {
  startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB', '-c', 'TimeZone=Pacific/Chatham'],
};

const ROOT = new URL('../..', import.meta.url).pathname;
const SERVER = new URL('./embeddedPostgresServer.ts', import.meta.url).pathname;
const START_MS = 60_000;
const STOP_MS = 10_000;

/**
 * Makes a new, empty database once (initdb inside PGlite takes seconds) and
 * keeps its data folder as a tarball in `dir`, which each test file's
 * instance loads in a fraction of that; returns the tarball's path.
 */
export async function makeEmbeddedTemplate(dir: string): Promise<string> {
  // WAL in 1 MB segments rather than 16, as the demo's: less to load for every file.
  const db = await PGlite.create({ ...EMBEDDED_SETTINGS, initDbStartParams: ['--wal-segsize=1'] });
  try {
    await db.exec('CHECKPOINT');
    const dump = await db.dumpDataDir('none');
    const path = join(dir, 'pglite-template.tar');
    await writeFile(path, new Uint8Array(await dump.arrayBuffer()));
    return path;
  } finally {
    await db.close();
  }
}

export interface EmbeddedPostgres {
  /** A connection string for it, as for a server: any client connects over TCP on loopback. */
  readonly url: string;
  /** Closes every connection and the database, and waits for its process to end. */
  stop(): Promise<void>;
}

/**
 * A database of its own for one test file: PGlite loaded from the template,
 * served on a free loopback port by a process that ends when asked, when
 * the process that started it closes its standard input, or dies.
 */
export function startEmbeddedPostgres(template: string): Promise<EmbeddedPostgres> {
  const { file, args } = diesWithParent(process.execPath, ['--import', 'tsx', SERVER, template], 'SIGKILL');
  const child = spawn(file, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.on('error', () => undefined);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_MS);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`The embedded PostgreSQL ${why}: ${output.trim()}`));
    };
    const timer = setTimeout(() => {
      fail(`did not start within ${String(START_MS / 1000)} s`);
    }, START_MS);
    child.once('error', (error) => {
      fail(`could not be started (${error.message})`);
    });
    child.once('exit', (code, signal) => {
      fail(`exited with ${String(code ?? signal)}`);
    });
    child.stdout.on('data', () => {
      const address = /^listening on (\S+)$/m.exec(output)?.[1];
      if (address === undefined || settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ url: `postgres://postgres@${address}/postgres`, stop });
    });
  });
}
