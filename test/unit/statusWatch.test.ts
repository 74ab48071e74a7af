import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLEAR_SCREEN, runWatch, type WatchedMonitor } from '../../src/main/cli/statusWatch';
import { snapshotSchema, type Snapshot } from '../../src/shared/model';
import { expectUsageError, runCliInProcess } from '../support/cliInProcess';
import { snapshotAt } from '../support/snapshots';

const START = Date.parse('2026-11-24T14:30:00Z');
const WHERE = { postgres: 'db', registry: 'redis', ollama: 'ollama' };

/** A monitor that answers each poll with a snapshot taken then, and counts what it was asked. */
function fakeMonitor(): WatchedMonitor & { polls: number; closes: number } {
  let current: Snapshot = snapshotAt(Date.now());
  return {
    polls: 0,
    closes: 0,
    current: () => current,
    pollNow() {
      this.polls += 1;
      current = snapshotAt(Date.now());
      return Promise.resolve(current);
    },
    close() {
      this.closes += 1;
      return Promise.resolve();
    },
  };
}

/** Runs a watch for `seconds` of fake time, then stops it as Ctrl-C would; returns what it wrote and its exit code. */
async function watchFor(seconds: number, options: { json?: boolean; tty?: boolean; everySeconds?: number } = {}) {
  const monitor = fakeMonitor();
  const out: string[] = [];
  let stop: (signal: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const run = runWatch(
    monitor,
    { everySeconds: options.everySeconds ?? 2, json: options.json ?? false, labels: WHERE, tty: options.tty ?? false },
    {
      out: (text) => out.push(text),
      now: () => Date.now(),
      untilStopped: () => stopped,
    },
  );
  await vi.advanceTimersByTimeAsync(seconds * 1000);
  stop('SIGINT');
  const code = await run;
  return { code, out, monitor };
}

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('status --watch', () => {
  it('draws a frame at once and one every interval from a fresh poll of the same monitor, then closes it and exits 0', async () => {
    const { code, out, monitor } = await watchFor(6.5, { everySeconds: 2 });
    expect(code).toBe(0);
    // At 0 s from the first poll, then at 2, 4 and 6 s.
    expect(out).toHaveLength(4);
    expect(monitor.polls).toBe(3);
    expect(monitor.closes).toBe(1);
    expect(
      out.map((frame) => /^\n?Delegator Monitor {2}2026-11-24 (\d\d:\d\d:\d\d) \(UTC\) {2}every 2s\n/.exec(frame)?.[1]),
    ).toEqual(['14:30:00', '14:30:02', '14:30:04', '14:30:06']);
  });

  it('separates frames by one blank line when the output is no terminal, with no escape codes', async () => {
    const { out } = await watchFor(2.5);
    const text = out.join('');
    expect(text).not.toContain('\x1b');
    const frames = text.split('\n\nDelegator Monitor  ');
    expect(frames).toHaveLength(2);
    expect(text.startsWith('Delegator Monitor  ')).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toContain('\n\n\n');
  });

  it('clears the screen before each frame on a terminal', async () => {
    const { out } = await watchFor(4.5, { tty: true });
    expect(out).toHaveLength(3);
    for (const frame of out) {
      expect(frame.startsWith(`${CLEAR_SCREEN}Delegator Monitor  `)).toBe(true);
      expect(frame.slice(CLEAR_SCREEN.length)).not.toContain('\x1b');
    }
  });

  it('writes one JSON snapshot a line with --json', async () => {
    const { out } = await watchFor(4.5, { json: true });
    const lines = out.join('').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(3);
    expect(lines.map((line) => snapshotSchema.parse(JSON.parse(line)).takenAt)).toEqual([
      '2026-11-24T14:30:00.000Z',
      '2026-11-24T14:30:02.000Z',
      '2026-11-24T14:30:04.000Z',
    ]);
  });

  it('stops at once on the signal, mid-interval, without waiting out the interval', async () => {
    const { code, out, monitor } = await watchFor(0.1, { everySeconds: 3600 });
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(monitor.polls).toBe(0);
    expect(monitor.closes).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('status --watch on the command line', () => {
  it.each([
    [['--watch', '0'], '--watch "0": expected whole seconds from 1 to 86400'],
    [['--watch', 'x'], '--watch "x": expected whole seconds from 1 to 86400'],
    [['--watch=1.5'], '--watch "1.5": expected whole seconds from 1 to 86400'],
    [['--watch', '-1'], '--watch "-1": expected whole seconds from 1 to 86400'],
    [['--watch='], '--watch "": expected whole seconds from 1 to 86400'],
    [['--watch', '--timings'], '--timings times a single look: it does not go with --watch'],
    [['--watch', '5', '--date', '2026-11-20'], '--date does not go with --watch, which follows today'],
    [['--wach'], "Unknown option '--wach'. Did you mean '--watch'?"],
  ])('%j is a usage error in one line', async (args, reason) => {
    vi.useRealTimers();
    expectUsageError(await runCliInProcess(['status', ...args], { env: { DB_PORT: 'fifty' } }), reason, 'status');
  });
});
