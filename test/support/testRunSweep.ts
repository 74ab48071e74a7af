// `node --import tsx testRunSweep.ts <run folder>`: what testRunWatchdog.mjs
// runs once the test runner has gone without its teardown: ends every process
// the run left, removes its folder, and says what it ended.
import { describeLeftovers, removeRunFolder, stopLeftovers } from './testRun';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: node --import tsx testRunSweep.ts <run folder>');
const stopped = stopLeftovers(dir);
removeRunFolder(dir);
if (stopped.length > 0) {
  process.stderr.on('error', () => undefined);
  try {
    process.stderr.write(
      `The test run ended without its teardown; killed what it left running (${String(stopped.length)} processes):\n${describeLeftovers(stopped)}\n`,
    );
  } catch {
    // Nobody is reading.
  }
}
