import type { Reporter, TestModule } from 'vitest/node';
import { describeWants } from './packages';
import { RUN_VARIABLE } from './testRun';

/**
 * Ends the run with one plain line, `N passed, N failed, N skipped`, which
 * tools that only read a test run's last lines understand; before it, where
 * tests skipped for want of packages, one line naming them (packages.ts).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed' || state === 'failed') counts[state] += 1;
        else counts.skipped += 1;
      }
      // A file that fails to load, or whose hook fails, has no failed test to count, but the run has failed all the
      // same.
      if (
        module.state() === 'failed' &&
        ![...module.children.allTests()].some((test) => test.result().state === 'failed')
      )
        counts.failed += 1;
    }
    const wants = describeWants(process.env[RUN_VARIABLE]);
    process.stdout.write(
      `${wants === null ? '' : `\n${wants}`}\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    );
  }
}
