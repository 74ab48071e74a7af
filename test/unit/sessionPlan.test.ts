import { describe, expect, it } from 'vitest';
import { CATEGORY_AGENTS } from '../../src/main/core/echoRoster';
import { SeededRandom } from '../../src/main/simulator/random';
import { planBackfill } from '../../src/main/simulator/sessionPlan';

const NOW = Date.parse('2026-11-24T14:30:00Z');

describe('planBackfill', () => {
  it('is the same for the same seed, and different for another', () => {
    expect(planBackfill(10, 42, NOW)).toEqual(planBackfill(10, 42, NOW));
    expect(planBackfill(10, 43, NOW)).not.toEqual(planBackfill(10, 42, NOW));
  });

  it('gives each day the same sessions however far back it reaches', () => {
    const short = planBackfill(3, 42, NOW);
    const long = planBackfill(30, 42, NOW);
    const since = Date.parse('2026-11-21T00:00:00Z');
    expect(long.filter((row) => row.startedAt >= since)).toEqual(short);
  });

  it("writes realistic ended sessions with their category's agents, none in the future", () => {
    const rows = planBackfill(30, 7, NOW);
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows) {
      expect(row.agents).toEqual(CATEGORY_AGENTS[row.category]);
      expect(row.endedAt).not.toBeNull();
      expect(row.endedAt ?? Infinity).toBeLessThan(NOW);
      expect(row.endedAt ?? 0).toBeGreaterThan(row.startedAt);
      expect(row.sessionId).toMatch(/^session_\d{10}_[0-9a-f]{8}$/);
      expect(['completed', 'error']).toContain(row.status);
    }
    expect(new Set(rows.map((row) => row.sessionId)).size).toBe(rows.length);
    expect(rows.some((row) => row.status === 'error')).toBe(true);
    expect(new Set(rows.map((row) => row.category)).size).toBe(7);
  });
});

describe('SeededRandom', () => {
  it('repeats for a seed and stays in range', () => {
    const a = new SeededRandom(1);
    const b = new SeededRandom(1);
    const draws = Array.from({ length: 1000 }, () => a.int(3, 5));
    expect(draws).toEqual(Array.from({ length: 1000 }, () => b.int(3, 5)));
    expect(new Set(draws)).toEqual(new Set([3, 4, 5]));
  });
});
