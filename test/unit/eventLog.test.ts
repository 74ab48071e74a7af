import { describe, expect, it } from 'vitest';
import { appendEvents } from '../../src/main/core/eventLog';
import type { MonitorEvent } from '../../src/shared/monitorEvent';

function event(at: string, type: MonitorEvent['type'], origin: MonitorEvent['origin'], role = 'cto'): MonitorEvent {
  return { id: `${at}:${type}:${origin}:${role}`, at, type, origin, role, message: `${role} ${type}` };
}

describe('appendEvents', () => {
  it('keeps one event when the delegator announced what the monitor then noticed', () => {
    const announced = event('2026-11-24T14:00:00.000Z', 'agent_spawned', 'registry');
    const { log, added } = appendEvents(
      [announced],
      [event('2026-11-24T14:00:03.000Z', 'agent_spawned', 'monitor')],
      100,
    );
    expect(log).toEqual([announced]);
    expect(added).toEqual([]);
  });

  it('keeps what the monitor noticed when nothing was announced, or long ago', () => {
    const old = event('2026-11-24T13:00:00.000Z', 'agent_spawned', 'registry');
    const noticed = [
      event('2026-11-24T14:00:03.000Z', 'agent_spawned', 'monitor'),
      event('2026-11-24T14:00:03.000Z', 'agent_stopped', 'monitor', 'ceo'),
    ];
    expect(appendEvents([old], noticed, 100)).toEqual({ log: [old, ...noticed], added: noticed });
  });

  it('keeps only the newest entries', () => {
    const many = Array.from({ length: 5 }, (_, index) =>
      event(`2026-11-24T14:00:0${index}.000Z`, 'agent_spawned', 'registry', `r${index}`),
    );
    expect(appendEvents(many.slice(0, 3), many.slice(3), 4).log.map((entry) => entry.role)).toEqual([
      'r1',
      'r2',
      'r3',
      'r4',
    ]);
  });

  it('keeps each text of an event to its limit, marked as cut, so the log stays small whatever was published', () => {
    const huge = {
      ...event('2026-11-24T14:00:00.000Z', 'agent_crashed', 'registry'),
      message: 'm'.repeat(1_000_000),
      role: 'r'.repeat(1_000),
      model: 'deepseek-coder:6.7b',
    };
    const [kept] = appendEvents([], [huge], 100).added;
    expect(kept?.message).toBe(`${'m'.repeat(500)}… (cut from 1,000,000 characters)`);
    expect(kept?.role).toBe(`${'r'.repeat(255)}… (cut from 1,000 characters)`);
    expect(kept?.model).toBe('deepseek-coder:6.7b');
    expect(JSON.stringify(kept).length).toBeLessThan(1_500);
  });
});
