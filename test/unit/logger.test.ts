import { describe, expect, it } from 'vitest';
import {
  createLogger,
  fileLine,
  logLevelFrom,
  SILENT_LOGGER,
  terminalLine,
  unknownLevelWarning,
  withoutSecrets,
  type LogLevel,
  type LogRecord,
  type LogSink,
} from '../../src/main/core/logger';

const AT = new Date('2026-12-07T22:19:15.000Z');

/** A sink that keeps what it is given, as standard error would show it. */
function listSink(level: LogLevel): LogSink & { readonly lines: string[]; readonly records: LogRecord[] } {
  const lines: string[] = [];
  const records: LogRecord[] = [];
  return {
    level,
    lines,
    records,
    write(record) {
      records.push(record);
      lines.push(terminalLine(record));
    },
  };
}

describe('a logger', () => {
  it('gives each sink the lines at or above its own level', () => {
    const everything = listSink('debug');
    const trouble = listSink('warn');
    const log = createLogger([everything, trouble], () => AT);
    log.debug('a poll skipped');
    log.info('started');
    log.warn('Registry down: no answer');
    log.error('saving: ENOSPC');
    expect(everything.lines).toEqual([
      'debug a poll skipped',
      'info started',
      'warn Registry down: no answer',
      'error saving: ENOSPC',
    ]);
    expect(trouble.lines).toEqual(['warn Registry down: no answer', 'error saving: ENOSPC']);
  });

  it("names each line's component by its children's scopes, joined with /", () => {
    const sink = listSink('debug');
    const log = createLogger([sink], () => AT);
    const monitor = log.child('monitor');
    monitor.warn('Registry down: no answer');
    monitor.child('postgres').info('back after 5s');
    log.child('demo').error("the demo database's server: EMFILE");
    log.info('no scope: the app itself');
    expect(sink.records.map((record) => record.scope)).toEqual(['monitor', 'monitor/postgres', 'demo', '']);
    expect(sink.lines).toEqual([
      'warn monitor: Registry down: no answer',
      'info monitor/postgres: back after 5s',
      "error demo: the demo database's server: EMFILE",
      'info no scope: the app itself',
    ]);
  });

  it('stamps each record with the time it was written', () => {
    const sink = listSink('debug');
    let now = AT.getTime();
    const log = createLogger([sink], () => new Date((now += 1000)));
    log.info('one');
    log.info('two');
    const times = sink.records.map((record) => record.time.toISOString());
    expect(times).toEqual(['2026-12-07T22:19:16.000Z', '2026-12-07T22:19:17.000Z']);
  });

  it('masks passwords and the control key before any sink sees them', () => {
    const sink = listSink('debug');
    const log = createLogger([sink], () => AT).child('monitor');
    log.warn('PostgreSQL down: postgres://echo_org:s3cr%40t@db.local:5433/echo_org refused');
    log.info('controls at http://127.0.0.1:4000/#key=AbC123_-x');
    expect(sink.lines).toEqual([
      'warn monitor: PostgreSQL down: postgres://echo_org:***@db.local:5433/echo_org refused',
      'info monitor: controls at http://127.0.0.1:4000/#key=***',
    ]);
  });

  it('escapes newlines and escapes: a line from outside can neither forge a line nor act on a terminal', () => {
    const sink = listSink('debug');
    const log = createLogger([sink], () => AT);
    log.child('demo').warn('session "x\nerror monitor: forged" \u001b]0;title\u0007 \u001b[2J\u202e');
    expect(sink.lines).toEqual(['warn demo: session "x\\nerror monitor: forged" \\x1b]0;title\\x07 \\x1b[2J\\u202e']);
    for (const acting of ['\n', '\u001b', '\u0007', '\u202e']) expect(sink.lines[0]).not.toContain(acting);
  });

  it('never throws for a sink that does, and still gives the line to the others', () => {
    const broken: LogSink = {
      level: 'debug',
      write() {
        throw new Error('EPIPE');
      },
    };
    const after = listSink('debug');
    const log = createLogger([broken, after], () => AT);
    expect(() => {
      log.error('saving: ENOSPC');
    }).not.toThrow();
    expect(after.lines).toEqual(['error saving: ENOSPC']);
  });

  it('builds no record for a line that no sink takes', () => {
    let asked = 0;
    const sink = listSink('warn');
    const log = createLogger([sink], () => {
      asked += 1;
      return AT;
    });
    log.child('monitor').debug('a poll skipped');
    log.info('started');
    expect([asked, sink.lines]).toEqual([0, []]);
    log.warn('down');
    expect(asked).toBe(1);
  });

  it('writes nowhere, and never fails, when silent', () => {
    expect(() => {
      SILENT_LOGGER.error('lost');
      SILENT_LOGGER.child('demo').child('database').warn('lost too');
    }).not.toThrow();
  });
});

describe('withoutSecrets', () => {
  it('hides a password in a URL and the control key in an address, and nothing else', () => {
    expect(withoutSecrets('PostgreSQL down: postgres://echo_org:s3cr%40t@db.local:5433/echo_org refused')).toBe(
      'PostgreSQL down: postgres://echo_org:***@db.local:5433/echo_org refused',
    );
    expect(withoutSecrets('redis://:hunter2@127.0.0.1:6383 and rediss://u:p@h')).toBe(
      'redis://:***@127.0.0.1:6383 and rediss://u:***@h',
    );
    expect(withoutSecrets('controls at http://127.0.0.1:4000/#key=AbC123_-x')).toBe(
      'controls at http://127.0.0.1:4000/#key=***',
    );
    expect(withoutSecrets('Registry down: Redis: connect ECONNREFUSED 127.0.0.1:6383')).toBe(
      'Registry down: Redis: connect ECONNREFUSED 127.0.0.1:6383',
    );
  });
});

describe('the line formats', () => {
  const record: LogRecord = { time: AT, level: 'warn', scope: 'monitor/postgres', message: 'down: ECONNREFUSED' };

  it('give the log file the time, the level padded to one width, the scope and the message', () => {
    expect(fileLine(record)).toBe('2026-12-07T22:19:15.000Z warn  monitor/postgres: down: ECONNREFUSED');
    const unscoped = fileLine({ ...record, level: 'error', scope: '' });
    expect(unscoped).toBe('2026-12-07T22:19:15.000Z error down: ECONNREFUSED');
    expect(fileLine({ ...record, level: 'info' })).toBe(
      '2026-12-07T22:19:15.000Z info  monitor/postgres: down: ECONNREFUSED',
    );
  });

  it('give a terminal the level, the scope and the message, without the time its reader keeps', () => {
    expect(terminalLine(record)).toBe('warn monitor/postgres: down: ECONNREFUSED');
    expect(terminalLine({ ...record, level: 'debug', scope: '' })).toBe('debug down: ECONNREFUSED');
  });
});

describe('logLevelFrom (MONITOR_LOG_LEVEL)', () => {
  it.each([
    [undefined, 'info'],
    ['', 'info'],
    ['  ', 'info'],
    ['debug', 'debug'],
    ['info', 'info'],
    ['warn', 'warn'],
    ['error', 'error'],
    [' WARN ', 'warn'],
    ['Debug', 'debug'],
  ] as const)('reads %j as %s', (value, level) => {
    expect(logLevelFrom(value)).toEqual({ level, unknown: null });
  });

  it.each([['loud'], ['warning'], ['3'], ['trace']])('takes %j, no level, as info, to be warned of', (value) => {
    expect(logLevelFrom(value)).toEqual({ level: 'info', unknown: value });
  });

  it('warns of an unknown level in one line that lists the levels', () => {
    expect(unknownLevelWarning('loud')).toBe(
      'MONITOR_LOG_LEVEL=loud names no level (debug, info, warn, error): logging at info',
    );
  });
});
