import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/main/core/logger';
import { commandLog, stderrSink } from '../../src/main/cli/stderrLog';

function stderr(): { readonly err: (text: string) => void; readonly written: string[] } {
  const written: string[] = [];
  return { err: (text) => written.push(text), written };
}

describe("the command line's log", () => {
  it('writes each line it takes on standard error, ended by a newline, without a time', () => {
    const io = stderr();
    const log = createLogger([stderrSink(io, 'warn')]);
    log.child('monitor').info('starting');
    log.child('monitor').warn('Registry down: Redis: connect ECONNREFUSED 127.0.0.1:6383');
    log.child('simulate').child('postgres').error('Connection terminated unexpectedly');
    expect(io.written).toEqual([
      'warn monitor: Registry down: Redis: connect ECONNREFUSED 127.0.0.1:6383\n',
      'error simulate/postgres: Connection terminated unexpectedly\n',
    ]);
  });

  it('logs at info without MONITOR_LOG_LEVEL', () => {
    const io = stderr();
    const log = commandLog({ ...io, env: {} });
    log.debug('a poll skipped');
    log.child('monitor').info('stopped');
    expect(io.written).toEqual(['info monitor: stopped\n']);
  });

  it('logs at the level MONITOR_LOG_LEVEL names', () => {
    const debug = stderr();
    commandLog({ ...debug, env: { MONITOR_LOG_LEVEL: 'debug' } }).debug('a poll skipped');
    const quiet = stderr();
    const log = commandLog({ ...quiet, env: { MONITOR_LOG_LEVEL: 'error' } });
    log.warn('Registry down');
    log.error('saving: ENOSPC');
    expect([debug.written, quiet.written]).toEqual([['debug a poll skipped\n'], ['error saving: ENOSPC\n']]);
  });

  it('says once, as a warning, that MONITOR_LOG_LEVEL names no level, and logs at info', () => {
    const io = stderr();
    const log = commandLog({ ...io, env: { MONITOR_LOG_LEVEL: 'loud\u001b[2J' } });
    log.debug('a poll skipped');
    log.info('started');
    expect(io.written).toEqual([
      'warn MONITOR_LOG_LEVEL=loud\\x1b[2J names no level (debug, info, warn, error): logging at info\n',
      'info started\n',
    ]);
  });
});
