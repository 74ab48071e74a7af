// Why a test file's tests that need a package cannot run here: each function
// returns the reason, or null where they can, for `describe.skipIf` and
// `it.skipIf` at collection. A reason is recorded for the run's summary,
// which names each package once (packages.ts), so a file prints nothing itself.
import { expect, inject } from 'vitest';
import {
  lookForChromium,
  lookForPrometheus,
  lookForRedis,
  PROMETHEUS,
  PROMTOOL,
  recordWant,
  type PackageName,
} from './packages';
import { RUN_VARIABLE } from './testRun';

/** Records the reason, if there is one, against the package and the test file being collected; returns it. */
export function skipFor(name: PackageName, reason: string | null): string | null {
  if (reason !== null) recordWant(process.env[RUN_VARIABLE], name, reason, testFile());
  return reason;
}

/** The test file being collected; outside a test run (the benchmark borrows these helpers) there is none. */
function testFile(): string {
  try {
    return expect.getState().testPath ?? 'a test file';
  } catch {
    return 'outside a test run';
  }
}

/**
 * The run's shared Redis (globalSetup.ts), which there is none of without redis-server unless TEST_REDIS_URL names one.
 */
export function redisMissing(): string | null {
  return skipFor('redis', inject('redisUrl') === '' ? (lookForRedis() ?? 'no Redis for the run') : null);
}

/** A Redis of the file's own (servers.ts startRedis), to stop, freeze or keep ECHO's unprefixed channels to itself. */
export function redisServerMissing(): string | null {
  return skipFor('redis', lookForRedis());
}

export function chromiumMissing(): string | null {
  return skipFor('chromium', lookForChromium());
}

export function promtoolMissing(): string | null {
  return skipFor('prometheus', lookForPrometheus(PROMTOOL));
}

export function prometheusMissing(): string | null {
  return skipFor('prometheus', lookForPrometheus(PROMETHEUS));
}
