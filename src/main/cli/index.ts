import { errorText } from '../../shared/errorText';
import { systemTimeZone } from '../core/localTime';
import { EXIT } from './exitCodes';
import { runCli } from './run';

try {
  process.exitCode = await runCli(process.argv.slice(2), {
    env: process.env,
    out: (text) => process.stdout.write(text),
    stdout: process.stdout,
    err: (text) => process.stderr.write(text),
    now: () => Date.now(),
    timeZone: systemTimeZone(),
    liveTimeZone: systemTimeZone,
    untilStopped: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => {
          resolve('SIGINT');
        });
        process.once('SIGTERM', () => {
          resolve('SIGTERM');
        });
      }),
  });
} catch (error) {
  process.stderr.write(`delegator-monitor: ${errorText(error)}\n`);
  process.exitCode = EXIT.unknown;
}
