// `node testRunWatchdog.mjs <run folder>`: started by the tests' global setup
// with its standard input a pipe from the test runner. When that pipe ends
// without the runner having said `done` (the runner was interrupted, crashed
// or was killed), it ends every process the run left (testRunSweep.ts) and
// removes the run's folder. Ctrl-C reaches it with the runner's process
// group: it waits for the pipe instead, which ends once the runner has gone.
// Plain JavaScript, so it waits as a bare Node; TypeScript runs only then.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write('usage: node testRunWatchdog.mjs <run folder>\n');
  process.exit(2);
}
const ROOT = join(import.meta.dirname, '..', '..');

for (const name of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) process.on(name, () => undefined);

let said = '';
let ended = false;

function end() {
  if (ended) return;
  ended = true;
  if (!said.split('\n').includes('done')) {
    // Its report goes to the runner's standard error, which may have closed with the runner.
    spawnSync(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'testRunSweep.ts'), /** @type {string} */ (dir)],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  rmSync(/** @type {string} */ (dir), { recursive: true, force: true, maxRetries: 3 });
  process.exit(0);
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  said += String(chunk);
});
process.stdin.on('end', end);
process.stdin.on('close', end);
process.stdin.on('error', end);
