// @vitest-environment happy-dom
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useThrottled } from '../../src/renderer/src/hooks/useThrottled';

describe('useThrottled', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('passes the first change at once and the rest of a burst as one trailing update', () => {
    const { result, rerender } = renderHook(({ value }) => useThrottled(value, 1000), { initialProps: { value: 1 } });
    expect(result.current).toBe(1);

    rerender({ value: 2 });
    expect(result.current).toBe(2);

    act(() => {
      vi.advanceTimersByTime(100);
    });
    rerender({ value: 3 });
    rerender({ value: 4 });
    expect(result.current).toBe(2);

    act(() => {
      vi.advanceTimersByTime(899);
    });
    expect(result.current).toBe(2);
    act(() => {
      vi.advanceTimersByTime(1);
    });
    expect(result.current).toBe(4);
  });
});
