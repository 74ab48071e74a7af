import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const ENTRY = join(ROOT, 'out', 'cli', 'index.js');

/** Runs the command line as `npm run cli` does, building it first where it is missing or older than its sources. */
function runCli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'cli.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every module a file loads before it runs a line: its static imports, followed through the compiled chunks. */
function loadedAtStart(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const [, specifier] of text.matchAll(/^import\s+(?:[^'";]+\s+from\s+)?["']([^"']+)["'];?$/gm)) {
    if (specifier === undefined) continue;
    if (specifier.startsWith('.')) loadedAtStart(resolve(dirname(file), specifier), seen);
    else seen.add(specifier);
  }
  return seen;
}

describe('the compiled command line', () => {
  it('answers --help through npm run cli and the package bin, without tsx', () => {
    const help = runCli(['--help']);
    expect([help.status, help.stdout.split('\n')[0]]).toEqual([0, 'Usage: delegator-monitor <command> [options]']);
    const bin = spawnSync(process.execPath, [join(ROOT, 'bin', 'delegator-monitor.js'), '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect([bin.status, bin.stdout]).toEqual([0, help.stdout]);
  });

  it('loads no database driver, demo or web host before a command needs one', () => {
    runCli(['--help']);
    const loaded = [...loadedAtStart(ENTRY)];
    for (const heavy of ['pg', 'ioredis', '@electric-sql/pglite', '@electric-sql/pglite-socket', 'systeminformation', 'pidusage', 'node:http']) {
      expect(loaded).not.toContain(heavy);
    }
    expect(loaded.filter((module) => /demoEnvironment|webServer|statusCommand|serveCommand/.test(module))).toEqual([]);
  });

  it('runs a command from its own chunk, loaded when it runs', () => {
    const run = runCli(['status', '--date', '9999-12-31']);
    expect([run.status, run.stderr.split('\n')[0]]).toEqual([3, '--date "9999-12-31": out of the supported range, 1970-01-01 to 9999-12-30']);
  });
});
