import { defineConfig } from 'vitest/config';

/**
 * A test run of one file that leaves everything running, for test/support/testRun.test.ts to interrupt, kill or let
 * fail.
 */
export default defineConfig({
  root: new URL('../../..', import.meta.url).pathname,
  test: {
    include: ['test/support/testRunFixture/*.fixture.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});
