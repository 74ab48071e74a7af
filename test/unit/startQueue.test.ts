import { describe, expect, it } from 'vitest';
import { StartQueue } from '../../src/main/desktop/startQueue';

/** A start that finishes when the test says so. */
function gate(): { start: () => Promise<void>; open: () => void; ran: () => boolean } {
  let open: () => void = () => undefined;
  let ran = false;
  const done = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    start: async () => {
      ran = true;
      await done;
    },
    open: () => {
      open();
    },
    ran: () => ran,
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('StartQueue', () => {
  it('waits for the first start before anything has been queued', async () => {
    const queue = new StartQueue();
    let settled = false;
    void queue.settled().then(() => (settled = true));
    await tick();
    expect(settled).toBe(false);
    await queue.run(() => Promise.resolve());
    await tick();
    expect(settled).toBe(true);
  });

  it('runs one start after another, never two at once', async () => {
    const queue = new StartQueue();
    const first = gate();
    const second = gate();
    const runs = [queue.run(first.start), queue.run(second.start)];
    await tick();
    expect([first.ran(), second.ran()]).toEqual([true, false]);
    first.open();
    await tick();
    expect(second.ran()).toBe(true);
    second.open();
    await Promise.all(runs);
  });

  it('settles only once a start queued while waiting has finished too', async () => {
    const queue = new StartQueue();
    const first = gate();
    const second = gate();
    void queue.run(first.start);
    let settled = false;
    void queue.settled().then(() => (settled = true));
    void queue.run(second.start);
    first.open();
    await tick();
    expect(settled).toBe(false);
    second.open();
    await tick();
    expect(settled).toBe(true);
  });

  it('settles after a start that failed, which only its caller hears of, and runs the next', async () => {
    const queue = new StartQueue();
    await expect(queue.run(() => Promise.reject(new Error('no database')))).rejects.toThrow('no database');
    await expect(queue.settled()).resolves.toBeUndefined();
    let ranAfter = false;
    await queue.run(() => {
      ranAfter = true;
      return Promise.resolve();
    });
    expect(ranAfter).toBe(true);
  });
});
