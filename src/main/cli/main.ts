/**
 * The command line, once the CPU mark is taken (index.ts): standard streams guarded, the command run, its exit code
 * set.
 */
import { errorText } from '../../shared/errorText';
import { escapeControls } from '../../shared/terminalText';
import { systemTimeZone } from '../core/localTime';
import { EXIT } from './exitCodes';
import { guardStandardStreams } from './output';
import { runCli } from './run';

// Before anything is written: a full disk or a closed pipe must never end the process with a stack trace.
const streams = guardStandardStreams(process.stdout, process.stderr, (code) => {
  process.exitCode = code;
});

try {
  const code = await runCli(process.argv.slice(2), {
    env: process.env,
    out: streams.out,
    stdout: process.stdout,
    err: streams.err,
    now: () => Date.now(),
    timeZone: systemTimeZone(),
    liveTimeZone: systemTimeZone,
    untilStopped: () =>
      // A long-running command whose output is gone stops as on Ctrl-C, cleanly: nobody is left to read it.
      Promise.race([
        streams.lost,
        new Promise<string>((resolve) => {
          process.once('SIGINT', () => {
            resolve('SIGINT');
          });
          process.once('SIGTERM', () => {
            resolve('SIGTERM');
          });
        }),
      ]),
  });
  process.exitCode = streams.exitCode(code);
} catch (error) {
  // An error's message may quote a server's answer.
  streams.err(`delegator-monitor: ${escapeControls(errorText(error))}\n`);
  process.exitCode = streams.exitCode(EXIT.unknown);
}
