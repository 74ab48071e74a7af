import { CATEGORY_AGENTS } from '../core/echoRoster';
import { CATEGORY_WEIGHTS, TASKS } from './catalog';
import { SeededRandom } from './random';

/** One row of `delegator_sessions`, as the delegator writes it. Instants are epoch milliseconds. */
export interface SessionRow {
  readonly sessionId: string;
  readonly category: string;
  readonly description: string;
  readonly agents: readonly string[];
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly tasksDelegated: number;
  readonly status: 'active' | 'completed' | 'error';
}

/** ECHO's session id: `session_<unix seconds>_<8 hex>`. */
export function sessionIdFor(startedAt: number, random: SeededRandom): string {
  return `session_${Math.floor(startedAt / 1000)}_${random.hex(8)}`;
}

export function pickTask(random: SeededRandom): { category: string; description: string; agents: readonly string[] } {
  const category = random.weighted(CATEGORY_WEIGHTS);
  return {
    category,
    description: random.pick(TASKS[category] ?? ['Routine work']),
    agents: CATEGORY_AGENTS[category] ?? [],
  };
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * Past sessions for the `days` whole UTC days before `now`'s day, and today's
 * up to `now`. The same seed and day give the same rows.
 */
export function planBackfill(days: number, seed: number, now: number): SessionRow[] {
  const rows: SessionRow[] = [];
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  for (let back = days; back >= 0; back -= 1) {
    const dayStart = today - back * DAY_MS;
    // Each day has its own stream, so a longer backfill never changes the days a shorter one wrote.
    const day = new SeededRandom(seed ^ Math.floor(dayStart / DAY_MS));
    const weekend = [0, 6].includes(new Date(dayStart).getUTCDay());
    const count = weekend ? day.int(0, 4) : day.int(4, 14);
    for (let index = 0; index < count; index += 1) {
      const startedAt = dayStart + Math.floor(day.between(7, 21) * 60) * MINUTE_MS;
      const endedAt = startedAt + day.int(1, 45) * MINUTE_MS + day.int(0, 59) * 1000;
      const task = pickTask(day);
      const status = day.chance(0.08) ? 'error' : 'completed';
      const row: SessionRow = {
        sessionId: sessionIdFor(startedAt, day),
        ...task,
        startedAt,
        endedAt,
        tasksDelegated: day.int(1, 9),
        status,
      };
      if (endedAt < now) rows.push(row);
    }
  }
  return rows.sort((a, b) => a.startedAt - b.startedAt);
}
