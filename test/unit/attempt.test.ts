import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { attempt } from '../../src/main/sources/screening';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

describe('attempt', () => {
  it('passes a good read through with what it left out', async () => {
    await expect(
      attempt(() => Promise.resolve({ value: 7, dropped: ['row x: bad'] }), describeError, 1000),
    ).resolves.toEqual({
      ok: true,
      value: 7,
      dropped: ['row x: bad'],
    });
  });

  it('turns a failure into a reading that says why', async () => {
    await expect(attempt(() => Promise.reject(new Error('refused')), describeError, 1000)).resolves.toEqual({
      ok: false,
      error: 'refused',
    });
  });

  it('gives up on a read that never settles', async () => {
    const reading = attempt(() => new Promise<never>(() => undefined), describeError, 2800);
    await vi.advanceTimersByTimeAsync(2800);
    await expect(reading).resolves.toEqual({ ok: false, error: 'no answer within 2800 ms' });
  });
});
