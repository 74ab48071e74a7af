import { describe, expect, it } from 'vitest';
import { advanceTrack, emptyTrack, healthOf, shownValue } from '../../src/main/core/sourceHealth';
import { failed, ok } from '../support/readings';

const T0 = Date.parse('2026-11-24T14:00:00Z');

describe('source health', () => {
  it('is no-data until the source is read', () => {
    const track = advanceTrack(emptyTrack<number>(), null, T0);
    expect(healthOf(track, T0).state).toBe('no-data');
    expect(shownValue(track)).toBeNull();
  });

  it('goes ok → stale → ok, keeping the last good value and its age', () => {
    let track = advanceTrack(emptyTrack<number>(), ok(42), T0);
    track = advanceTrack(track, failed('timeout'), T0 + 12_000);
    expect(healthOf(track, T0 + 12_000)).toMatchObject({
      state: 'stale',
      ageSeconds: 12,
      error: 'timeout',
      lastOkAt: '2026-11-24T14:00:00.000Z',
    });
    expect(shownValue(track)).toEqual({ value: 42, stale: true, at: T0 });
    track = advanceTrack(track, ok(43), T0 + 15_000);
    expect(healthOf(track, T0 + 15_000)).toMatchObject({ state: 'ok', ageSeconds: null, lastError: 'timeout' });
    expect(healthOf(track, T0 + 15_000)).not.toHaveProperty('error');
    expect(shownValue(track)).toEqual({ value: 43, stale: false, at: T0 + 15_000 });
  });

  it('is error when it failed before ever answering', () => {
    const track = advanceTrack(emptyTrack<number>(), failed('refused'), T0);
    expect(healthOf(track, T0)).toMatchObject({ state: 'error', error: 'refused', lastOkAt: null });
  });

  it('counts a bad entry read on every poll once', () => {
    let track = emptyTrack<number>();
    for (let poll = 0; poll < 5; poll += 1) track = advanceTrack(track, ok(1, ['row a: bad']), T0 + poll);
    track = advanceTrack(track, ok(1, ['row a: bad', 'row b: bad']), T0 + 10);
    expect(healthOf(track, T0 + 10)).toMatchObject({
      dropped: 2,
      droppedTotal: 2,
      droppedReasons: ['row a: bad', 'row b: bad'],
    });
  });

  it('counts every entry left out, past any number, listing the first reasons only', () => {
    const rows = Array.from({ length: 5_008 }, (_, index) => `row ${String(index)}: bad`);
    let track = advanceTrack(emptyTrack<number>(), ok(1, rows), T0);
    track = advanceTrack(track, ok(1, rows), T0 + 1);
    const health = healthOf(track, T0 + 1);
    expect([health.dropped, health.droppedTotal, health.droppedReasons.length]).toEqual([5_008, 5_008, 20]);
  });

  it('keeps an error and each reason short, however long the source made them', () => {
    const failing = advanceTrack(emptyTrack<number>(), failed(`ERR ${'x'.repeat(100_000)}`), T0);
    expect(healthOf(failing, T0).error).toBe(`ERR ${'x'.repeat(496)}… (cut from 100,004 characters)`);
    const dropping = advanceTrack(emptyTrack<number>(), ok(1, [`row ${'y'.repeat(100_000)}: bad`]), T0);
    expect(healthOf(dropping, T0).droppedReasons[0]).toHaveLength(500 + '… (cut from 100,009 characters)'.length);
  });

  it('counts an entry again when it comes back after being read well', () => {
    let track = advanceTrack(emptyTrack<number>(), ok(1, ['row a: bad']), T0);
    track = advanceTrack(track, ok(1, []), T0 + 1);
    track = advanceTrack(track, failed('timeout'), T0 + 2);
    track = advanceTrack(track, ok(1, ['row a: bad']), T0 + 3);
    expect(healthOf(track, T0 + 3)).toMatchObject({ dropped: 1, droppedTotal: 2 });
  });
});
