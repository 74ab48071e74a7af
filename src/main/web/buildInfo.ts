import { execFileSync } from 'node:child_process';
import type { BuildInfo } from '../core/views/metrics';
import { packageRoot } from './packageRoot';

/** The commit a release names at build time, or the checkout's own; unknown in an install without either. */
function commitOf(root: string): string {
  const given = process.env.DELEGATOR_MONITOR_COMMIT;
  if (given !== undefined && /^[0-9a-f]{7,40}$/.test(given)) return given;
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: root,
      timeout: 2000,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      windowsHide: true,
    }).trim();
    return /^[0-9a-f]{7,40}$/.test(head) ? head : 'unknown';
  } catch {
    return 'unknown';
  }
}

let known: BuildInfo | null = null;

/** Read once, when first asked: `/metrics` reports it on every scrape. */
export function buildInfo(): BuildInfo {
  if (known === null) {
    try {
      const found = packageRoot();
      known =
        found === null
          ? { version: 'unknown', commit: 'unknown' }
          : { version: found.version, commit: commitOf(found.root) };
    } catch {
      known = { version: 'unknown', commit: 'unknown' };
    }
  }
  return known;
}
