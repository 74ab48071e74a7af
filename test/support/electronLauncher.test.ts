import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { refusingAddress } from './deadServers';
import { electronBinary } from './electronBinary';

const ROOT = new URL('../..', import.meta.url).pathname;
const installed = 'path' in electronBinary();

/**
 * scripts/electron.mjs, which `npm start` and `npm run demo` run, where Electron's binary is missing and its download
 * fails.
 */
describe.skipIf(installed)('npm run demo without Electron’s binary', () => {
  it('says in one line what is missing and what works instead, with no stack trace, and exits 1', async () => {
    const dead = await refusingAddress();
    const cache = await mkdtemp(join(tmpdir(), 'electron-cache-'));
    try {
      // The download Electron tries on a first start, from a mirror that refuses at once, into a cache of the test's.
      const env = {
        ...process.env,
        ELECTRON_MIRROR: `http://${dead.host}:${String(dead.port)}/`,
        electron_config_cache: cache,
      };
      for (const [args, serve] of [
        [['.', '--demo'], 'serve --demo'],
        [['.'], 'serve'],
      ] as const) {
        const run = spawnSync(process.execPath, ['scripts/electron.mjs', ...args], {
          cwd: ROOT,
          env,
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect(run.status, run.stderr).toBe(1);
        expect(run.stdout).toBe('');
        const lines = run.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('Downloading'));
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(
          /^Electron's binary is not installed here \(node_modules\/electron\/dist\) and could not be downloaded \(.+\), so the desktop app cannot start: /,
        );
        expect(lines[0]).toContain(
          `\`npx delegator-monitor ${serve}\` (in a checkout, \`npm run cli -- ${serve}\`) shows the same dashboard in a browser.`,
        );
        expect(run.stderr).not.toMatch(/^\s+at /m);
      }
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });
});
