import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const ENTRY = join(ROOT, 'out', 'cli', 'index.js');

/** Runs the command line as `npm run cli` does, building it first where it is missing or older than its sources. */
function runCli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'cli.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Every module a file loads before a command runs: its static imports, and
 * the entry's top-level `await import(…)` of the rest, followed through the
 * compiled chunks. A command's own chunk is imported inside a function.
 */
function loadedAtStart(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const [, specifier] of text.matchAll(
    /^(?:import\s+(?:[^'";]+\s+from\s+)?|await import\()["']([^"']+)["']\)?;?$/gm,
  )) {
    if (specifier === undefined) continue;
    if (specifier.startsWith('.')) loadedAtStart(resolve(dirname(file), specifier), seen);
    else seen.add(specifier);
  }
  return seen;
}

/** Loaded after the command ran: the CommonJS packages in require's cache, reported on standard error as it exits. */
const REPORT_PACKAGES = `data:text/javascript,${encodeURIComponent(`
  import { createRequire } from 'node:module';
  const cache = createRequire('/').cache;
  process.on('exit', () => {
    const packages = new Set(Object.keys(cache).map((path) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(path)?.[1]).filter(Boolean));
    process.stderr.write('packages: ' + JSON.stringify([...packages].sort()) + '\\n');
  });
`)}`;

function packagesLoadedBy(args: readonly string[], env: Readonly<Record<string, string>>): string[] {
  const result = spawnSync(process.execPath, ['--import', REPORT_PACKAGES, ENTRY, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  const line = /^packages: (.*)$/m.exec(result.stderr)?.[1];
  if (line === undefined) throw new Error(`no package report: ${result.stderr}`);
  return JSON.parse(line) as string[];
}

describe('the compiled command line', () => {
  it('answers --help through npm run cli and the package bin, without tsx', () => {
    const help = runCli(['--help']);
    expect([help.status, help.stdout.split('\n')[0]]).toEqual([0, 'Usage: delegator-monitor <command> [options]']);
    const bin = spawnSync(process.execPath, [join(ROOT, 'bin', 'delegator-monitor.js'), '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect([bin.status, bin.stdout]).toEqual([0, help.stdout]);
  });

  it('loads no database driver, demo or web host before a command needs one', () => {
    runCli(['--help']);
    const loaded = [...loadedAtStart(ENTRY)];
    for (const heavy of ['pg', 'ioredis', '@electric-sql/pglite', 'systeminformation', 'pidusage', 'node:http']) {
      expect(loaded).not.toContain(heavy);
    }
    // The dynamic import of the rest of the command line is followed: run.ts and its schemas are in.
    expect(loaded.some((module) => /chunks\/main-/.test(module))).toBe(true);
    expect(loaded.filter((module) => /demoEnvironment|webServer|statusCommand|serveCommand/.test(module))).toEqual([]);
  });

  it('loads the Redis client only where a registry is read', () => {
    runCli(['--help']);
    // Nothing listens on port 1: the read fails quickly, and what matters is what was loaded for it.
    const env = {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      OLLAMA_ENDPOINT: 'off',
      MONITOR_AGENT_PROCESSES: 'off',
      REDIS_URL: 'redis://127.0.0.1:1',
    };
    const sessionsOnly = packagesLoadedBy(['status'], { ...env, REGISTRY_MODE: 'sessions' });
    expect(sessionsOnly).toContain('pg');
    expect(sessionsOnly).not.toContain('ioredis');
    expect(packagesLoadedBy(['status'], { ...env, REGISTRY_MODE: 'auto' })).toContain('ioredis');
  });

  it('runs a command from its own chunk, loaded when it runs', () => {
    const run = runCli(['status', '--date', '9999-12-31']);
    expect([run.status, run.stderr]).toEqual([
      3,
      'delegator-monitor: --date "9999-12-31": out of the supported range, 1970-01-01 to 9999-12-30\nSee \'delegator-monitor status --help\'.\n',
    ]);
  });

  it("answers a command's --help and --version without loading any package or reading the configuration", () => {
    runCli(['--help']);
    // A configuration that stops every command that reads it.
    const env = { DB_PORT: 'fifty', REDIS_PORT: 'none' };
    for (const args of [['status', '--help'], ['serve', '-h'], ['help', 'export'], ['--version']]) {
      expect(packagesLoadedBy(args, env)).toEqual([]);
    }
  });
});
