import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

interface Finding {
  readonly id: string;
  readonly file: string;
  readonly location: { readonly line: number };
  readonly severity: { readonly name: string; readonly value: number };
  readonly confidence: { readonly name: string; readonly value: number };
}

/** A file the scan could not read; a tolerable one was read in part. */
interface ScanError {
  readonly file: string;
  readonly message: string;
  readonly tolerable: boolean;
}

type Run = (options: Record<string, unknown>) => Promise<{ issues: Finding[]; errors: ScanError[] }>;

/**
 * Electronegativity fetches translations and Electron's release list from the
 * internet on every run. Its HTTP client is replaced by one that fails at once,
 * so the scan stays on this machine; the release check is left out.
 */
function offlineElectronegativity(): {
  run: Run;
  levels: { severity: Record<string, { value: number }>; confidence: Record<string, { value: number }> };
} {
  const runner = require.resolve('@doyensec/electronegativity/dist/runner.js');
  const fromRunner = createRequire(runner);
  const got = fromRunner.resolve('got');
  require.cache[got] = {
    id: got,
    filename: got,
    loaded: true,
    exports: () => Promise.reject(new Error('offline')),
  } as unknown as NodeJS.Module;
  const levels = fromRunner('./finder/attributes.js') as {
    severity: Record<string, { value: number }>;
    confidence: Record<string, { value: number }>;
  };
  return { run: fromRunner(runner) as Run, levels };
}

/**
 * Findings that hold by design and were reviewed, each with the reason. Every
 * other finding of MEDIUM or higher severity and FIRM or higher confidence
 * fails the run.
 */
const REVIEWED: Readonly<Record<string, string>> = {
  // Fires wherever a preload is set. Ours is one bundled CommonJS file that requires only electron
  // (test/integration/preloadBundle.test.ts) and exposes exactly MonitorApi through contextBridge.
  PRELOAD_JS_CHECK: 'the preload exposes only MonitorApi and requires only electron',
};

const ELECTRON_VERSION = (require('electron/package.json') as { version: string }).version;

describe('electronegativity', () => {
  let outDir: string;
  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'delegator-monitor-scan-'));
    execFileSync('npx', ['electron-vite', 'build', '--outDir', outDir, '--logLevel', 'error'], { cwd: ROOT });
  }, 120_000);
  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it.each([
    ['src', join(ROOT, 'src')],
    ['the build', ''],
  ])(
    'finds nothing of MEDIUM or higher severity with FIRM or higher confidence in %s',
    async (_name, path) => {
      const { run, levels } = offlineElectronegativity();
      const { issues, errors } = await run({
        input: path || outDir,
        electronVersionOverride: ELECTRON_VERSION,
        isRelative: true,
        customScan: [],
        excludeFromScan: ['availablesecurityfixesglobalcheck'],
      });
      const serious = issues
        .filter(
          (issue) =>
            issue.severity.value >= (levels.severity.MEDIUM?.value ?? 0) &&
            issue.confidence.value >= (levels.confidence.FIRM?.value ?? 0),
        )
        .filter((issue) => !(issue.id in REVIEWED))
        .map(
          (issue) =>
            `${issue.id} ${issue.severity.name}/${issue.confidence.name} ${issue.file}:${String(issue.location.line)}`,
        );
      // A file the scan cannot parse is skipped without a finding, and its handlers then count as missing: every file
      // must be read.
      expect(errors.filter((error) => !error.tolerable).map((error) => `${error.file}: ${error.message}`)).toEqual([]);
      expect(serious).toEqual([]);
      // The scan read the code: it would find the window's options, and the global checks ran.
      expect(issues.length).toBeGreaterThan(0);
    },
    120_000,
  );
});
