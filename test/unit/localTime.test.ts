import { describe, expect, it } from 'vitest';
import { addDays, datesBetween, localDayRange, recentHourBuckets } from '../../src/main/core/localTime';
import { localDateOf, startOfLocalDay } from '../../src/shared/zonedDay';

const iso = (instant: number): string => new Date(instant).toISOString();

describe('local days', () => {
  it.each([
    // date, zone, first instant, first instant of the next day, hours in the day
    ['2026-11-24', 'UTC', '2026-11-24T00:00:00.000Z', '2026-11-25T00:00:00.000Z', 24],
    ['2026-11-24', 'Asia/Kolkata', '2026-11-23T18:30:00.000Z', '2026-11-24T18:30:00.000Z', 24],
    ['2026-11-24', 'Pacific/Chatham', '2026-11-23T10:15:00.000Z', '2026-11-24T10:15:00.000Z', 24],
    ['2026-03-08', 'America/Los_Angeles', '2026-03-08T08:00:00.000Z', '2026-03-09T07:00:00.000Z', 23],
    ['2026-11-01', 'America/Los_Angeles', '2026-11-01T07:00:00.000Z', '2026-11-02T08:00:00.000Z', 25],
    ['2026-03-29', 'Europe/London', '2026-03-29T00:00:00.000Z', '2026-03-29T23:00:00.000Z', 23],
    // Midnight never happens on these days: the day starts when the clocks jump to 01:00.
    ['2026-09-06', 'America/Santiago', '2026-09-06T04:00:00.000Z', '2026-09-07T03:00:00.000Z', 23],
    ['2026-03-08', 'America/Havana', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', 23],
  ] as const)('%s in %s runs from %s to %s', (date, zone, start, end, hours) => {
    const range = localDayRange(date, zone);
    expect(iso(range.start)).toBe(start);
    expect(iso(range.end)).toBe(end);
    expect((range.end - range.start) / 3_600_000).toBe(hours);
  });

  it('puts the first instant of a day on that day and the one before it on the day before', () => {
    for (const zone of ['America/Santiago', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Kiritimati']) {
      for (const date of ['2026-01-01', '2026-04-05', '2026-09-06', '2026-10-04']) {
        const start = startOfLocalDay(date, zone);
        expect(localDateOf(start, zone)).toBe(date);
        expect(localDateOf(start - 1, zone)).toBe(addDays(date, -1));
      }
    }
  });

  it('names the local date of an instant', () => {
    const instant = Date.parse('2026-11-24T20:00:00Z');
    expect(localDateOf(instant, 'UTC')).toBe('2026-11-24');
    expect(localDateOf(instant, 'Asia/Tokyo')).toBe('2026-11-25');
    expect(localDateOf(instant, 'Pacific/Honolulu')).toBe('2026-11-24');
  });

  it('steps across month, year and leap-day boundaries', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(datesBetween('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(datesBetween('2026-11-24', '2026-11-23')).toEqual([]);
  });
});

describe('recent hour buckets', () => {
  it('ends with the hour that holds now, oldest first', () => {
    const buckets = recentHourBuckets(Date.parse('2026-11-24T14:23:05.500Z'), 'UTC', 24);
    expect(buckets).toHaveLength(24);
    expect(iso(buckets[23]?.start ?? 0)).toBe('2026-11-24T14:00:00.000Z');
    expect(iso(buckets[23]?.end ?? 0)).toBe('2026-11-24T15:00:00.000Z');
    expect(iso(buckets[0]?.start ?? 0)).toBe('2026-11-23T15:00:00.000Z');
  });

  it('aligns to the local hour in zones offset by half an hour', () => {
    const buckets = recentHourBuckets(Date.parse('2026-11-24T10:10:00Z'), 'Asia/Kolkata', 2);
    expect(buckets.map((bucket) => iso(bucket.start))).toEqual([
      '2026-11-24T08:30:00.000Z',
      '2026-11-24T09:30:00.000Z',
    ]);
  });
});
