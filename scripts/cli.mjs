// `npm run cli -- ARGS`: the compiled command line, built first when it is
// missing or older than its sources, so a checkout always runs what it holds.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'out', 'cli', 'index.js');
const SOURCES = ['src/main', 'src/shared', 'package.json', 'vite.cli.config.ts'];

/**
 * The newest modification time under a path, in milliseconds.
 * @param {string} path
 * @returns {number}
 */
function newest(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stats.mtimeMs);
}

const LOCK = join(ROOT, 'out', '.cli-build-lock');
const stale = () => {
  const built = existsSync(ENTRY) ? statSync(ENTRY).mtimeMs : -Infinity;
  return SOURCES.some((source) => newest(join(ROOT, source)) > built);
};
/** @param {number} ms */
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** One build at a time: several commands started at once (a test run, a script) wait for the first one's. */
function build() {
  mkdirSync(join(ROOT, 'out'), { recursive: true });
  for (let waited = 0; ; waited += 100) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock older than any build is one a killed build left behind.
      if (waited > 120_000) rmSync(LOCK, { recursive: true, force: true });
      pause(100);
    }
  }
  try {
    if (!stale()) return;
    // The build's own words go to stderr: standard output belongs to the command.
    const result = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'vite.cli.config.ts'],
      {
        cwd: ROOT,
        stdio: ['ignore', process.stderr, process.stderr],
      },
    );
    if (result.status !== 0) {
      process.stderr.write('delegator-monitor: building the command line failed (npm run build:cli)\n');
      process.exit(3);
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

if (stale()) build();
await import(pathToFileURL(ENTRY).href);
