import { describe, expect, it } from 'vitest';
import { Steps } from '../../src/main/simulator/steps';
import { ManualTimers } from '../support/manualTimers';
import { recordingLog } from '../support/recordingLog';

function stepsWith(timers: ManualTimers, running = { value: true }) {
  const { log, lines: said } = recordingLog();
  const steps = new Steps({ timers, log, isRunning: () => running.value });
  return { steps, said, running };
}

describe("the simulator's steps", () => {
  it('run one after another, never interleaved', async () => {
    const { steps } = stepsWith(new ManualTimers());
    const order: string[] = [];
    let release: () => void = () => undefined;
    const first = steps.run(async () => {
      order.push('first begins');
      await new Promise<void>((resolve) => (release = resolve));
      order.push('first ends');
    });
    const second = steps.run(() => {
      order.push('second');
      return Promise.resolve();
    });
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first begins', 'first ends', 'second']);
  });

  it('try a failed step again, 1 s later and doubling up to 30 s, saying each failure in one line, until it succeeds', async () => {
    const timers = new ManualTimers();
    const { steps, said } = stepsWith(timers);
    let attempts = 0;
    const first = steps.persist('ending session s1', () => {
      attempts += 1;
      return attempts < 8 ? Promise.reject(new Error('Query read timeout')) : Promise.resolve();
    });
    await expect(first).rejects.toThrow('Query read timeout');
    await new Promise((resolve) => setImmediate(resolve));
    const delays: number[] = [];
    while (attempts < 8) {
      delays.push(...timers.waiting());
      await timers.fireNext();
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(said).toHaveLength(7);
    expect(said[0]).toBe('warn ending session s1 failed, trying again in 1 s: Query read timeout');
    expect(said[6]).toBe('warn ending session s1 failed, trying again in 30 s: Query read timeout');
    for (const line of said) expect(line).not.toContain('\n');
    // Done: nothing more is waiting.
    expect(timers.waiting()).toEqual([]);
  });

  it('go on with other steps while one waits to be tried again', async () => {
    const timers = new ManualTimers();
    const { steps } = stepsWith(timers);
    await steps.persist('a failing step', () => Promise.reject(new Error('down'))).catch(() => undefined);
    await expect(steps.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('stop trying once the simulator stops', async () => {
    const timers = new ManualTimers();
    const running = { value: true };
    const { steps, said } = stepsWith(timers, running);
    await steps.persist('spawning cto', () => Promise.reject(new Error('down'))).catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(timers.waiting()).toEqual([1000]);
    steps.cancelRetries();
    expect(timers.waiting()).toEqual([]);
    running.value = false;
    await steps.persist('stopping cto', () => Promise.reject(new Error('down'))).catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(timers.waiting()).toEqual([]);
    // Not tried again: what it would have written is lost.
    expect(said.at(-1)).toBe('error stopping cto failed: down');
  });
});
