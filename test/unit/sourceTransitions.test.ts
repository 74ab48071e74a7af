import { describe, expect, it } from 'vitest';
import { sourceTransitions, type SourcesDown } from '../../src/main/core/sourceTransitions';
import type { SourceHealth, SourceName } from '../../src/shared/model';

const health = (state: SourceHealth['state'], error?: string): SourceHealth => ({
  state,
  ...(error === undefined ? {} : { error }),
  lastOkAt: null,
  lastError: error ?? null,
  lastErrorAt: null,
  ageSeconds: null,
  dropped: 0,
  droppedReasons: [],
  droppedTotal: 0,
});
const sources = (states: Partial<Record<SourceName, SourceHealth>>): Record<SourceName, SourceHealth> => ({
  postgres: health('ok'),
  registry: health('ok'),
  ollama: health('ok'),
  ...states,
});

/**
 * The lines an hour of polls every 5 s would log, with Redis down for its first 2 minutes 5 seconds and PostgreSQL
 * switched off.
 */
function linesOver(polls: number, stateAt: (poll: number) => Partial<Record<SourceName, SourceHealth>>): string[] {
  let down: SourcesDown = {};
  const lines: string[] = [];
  for (let poll = 0; poll < polls; poll += 1) {
    const told = sourceTransitions(down, sources(stateAt(poll)), poll * 5000);
    down = told.down;
    lines.push(...told.transitions.map((transition) => transition.line));
  }
  return lines;
}

describe('sourceTransitions', () => {
  it('tells a source going down once, with its reason, and coming back, with how long, however many polls fail between', () => {
    const refused = health('error', 'connect ECONNREFUSED 127.0.0.1:6383');
    const lines = linesOver(720, (poll) => ({
      registry: poll < 25 ? refused : health('ok'),
      postgres: health('no-data'),
    }));
    expect(lines).toEqual(['Registry down: connect ECONNREFUSED 127.0.0.1:6383', 'Registry back after 2m 5s']);
  });

  it('counts a stale source as down (its last reading is shown), and tells each source apart', () => {
    const lines = linesOver(4, (poll) => ({
      postgres: poll === 1 ? health('stale', 'Connection terminated unexpectedly') : health('ok'),
      ollama: poll >= 2 ? health('error', 'fetch failed') : health('ok'),
    }));
    expect(lines).toEqual([
      'PostgreSQL down: Connection terminated unexpectedly',
      'PostgreSQL back after 5s',
      'Ollama down: fetch failed',
    ]);
  });

  it('keeps the same record while nothing changes, so a quiet poll costs nothing', () => {
    const down: SourcesDown = { registry: 0 };
    expect(sourceTransitions(down, sources({ registry: health('error', 'x') }), 5000).down).toBe(down);
  });
});
