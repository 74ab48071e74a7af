import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

// A sandboxed window loads its preload as one classic script that may require
// nothing but electron; Electron cannot start here, so the bundle is checked instead.
describe('the built preload', () => {
  let outDir: string;
  let code: string;
  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'delegator-monitor-build-'));
    await promisify(execFile)('npx', ['electron-vite', 'build', '--outDir', outDir, '--logLevel', 'error'], {
      cwd: ROOT,
    });
    code = await readFile(join(outDir, 'preload', 'index.cjs'), 'utf8');
  }, 120_000);
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('is a classic CommonJS script, not an ES module', () => {
    expect(() => new Script(code, { filename: 'index.cjs' })).not.toThrow();
  });

  it('carries no schema library: main checks every argument, and zod would only make the script bigger', () => {
    expect(code).not.toMatch(/zod/i);
  });

  it('requires electron and nothing else', () => {
    const required = [...code.matchAll(/\brequire\(\s*(['"])(.*?)\1\s*\)/g)].map((match) => match[2]);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });
});
