import { describe, expect, it } from 'vitest';
import {
  runningNowOf,
  selectTimeline,
  type RunningNow,
  type TimelineInput,
} from '../../src/renderer/src/store/selectors/sessionTimeline';
import { rangeOfChoice, startOfZonedDay } from '../../src/renderer/src/store/selectors/timelineRange';
import type { MonitorEvent, ResourceSample } from '../../src/shared/monitorEvent';
import { gib } from '../support/bytes';
import { failed, ok, ollamaModel, registryAgent, registryData } from '../support/readings';
import { snapshotAt } from '../support/snapshots';

const START = Date.parse('2026-11-24T14:00:00.000Z');
const MINUTE = 60_000;
/** Milliseconds `minutes` after 14:00. */
const at = (minutes: number): number => START + minutes * MINUTE;
const iso = (minutes: number): string => new Date(at(minutes)).toISOString();

function event(minutes: number, type: MonitorEvent['type'], extra: Partial<MonitorEvent> = {}): MonitorEvent {
  return {
    id: `${String(minutes)}:${type}:${extra.role ?? extra.model ?? ''}`,
    at: iso(minutes),
    type,
    origin: 'monitor',
    message: `${type} ${extra.role ?? extra.model ?? ''}`.trim(),
    ...extra,
  };
}
const spawned = (minutes: number, role: string): MonitorEvent => event(minutes, 'agent_spawned', { role });
const stopped = (minutes: number, role: string): MonitorEvent => event(minutes, 'agent_stopped', { role });
const loaded = (minutes: number, model: string): MonitorEvent => event(minutes, 'model_loaded', { model });
const unloaded = (minutes: number, model: string): MonitorEvent => event(minutes, 'model_unloaded', { model });

function sample(minutes: number, memoryBytes: number | null = gib(4)): ResourceSample {
  return {
    at: iso(minutes),
    agents: 1,
    memoryBytes,
    measuredBytes: memoryBytes,
    estimatedBytes: memoryBytes,
    machineRamBytes: gib(32),
    freeRamBytes: gib(16),
    cpuPercent: 5,
  };
}

/** A sample a minute over [from, to]: the monitor watching all along. */
const watched = (from: number, to: number): ResourceSample[] =>
  Array.from({ length: to - from + 1 }, (_, index) => sample(from + index));

function timeline(overrides: Partial<TimelineInput> & Pick<TimelineInput, 'events'>) {
  return selectTimeline({
    range: { from: at(0), to: at(60) },
    series: watched(-120, 60),
    logLimit: 1000,
    running: null,
    ...overrides,
  });
}

const spansOf = (lanes: ReturnType<typeof timeline>['agents']) =>
  lanes.map((lane) => [
    lane.key,
    lane.spans.map((span) => ({
      from: (span.from - START) / MINUTE,
      to: (span.to - START) / MINUTE,
      startedAt: span.startedAt === null ? null : (span.startedAt - START) / MINUTE,
      end: span.end,
    })),
  ]);

const now = (minutes: number, agents: Record<string, number | null> | null, models?: string[] | null): RunningNow => ({
  at: at(minutes),
  agents: agents === null ? null : new Map(Object.entries(agents)),
  models: models == null ? null : new Map(models.map((name) => [name, null])),
});

describe('the session timeline', () => {
  it("draws each agent's runs and each model's loads, in the order they began, with tasks and decisions as marks", () => {
    const view = timeline({
      events: [
        spawned(5, 'cto'),
        loaded(6, 'deepseek-coder:6.7b'),
        spawned(2, 'ceo'),
        event(10, 'task_delegated', { role: 'cto', message: 'Delegator → CTO: Plan the API' }),
        event(20, 'decision_new', { role: 'ceo', message: 'Decision budget opened by CEO' }),
        event(25, 'agent_message', { role: 'cto' }),
        stopped(30, 'cto'),
        unloaded(40, 'deepseek-coder:6.7b'),
        stopped(50, 'ceo'),
      ],
    });
    expect(spansOf(view.agents)).toEqual([
      ['ceo', [{ from: 2, to: 50, startedAt: 2, end: 'stopped' }]],
      ['cto', [{ from: 5, to: 30, startedAt: 5, end: 'stopped' }]],
    ]);
    expect(view.agents.map((lane) => lane.name)).toEqual(['CEO', 'CTO']);
    expect(spansOf(view.models)).toEqual([
      ['deepseek-coder:6.7b', [{ from: 6, to: 40, startedAt: 6, end: 'unloaded' }]],
    ]);
    expect(view.tasks.map((mark) => [mark.kind, mark.text])).toEqual([['task', 'Delegator → CTO: Plan the API']]);
    expect(view.decisions.map((mark) => [mark.kind, mark.text])).toEqual([
      ['decision', 'Decision budget opened by CEO'],
    ]);
    expect(view.coverage).toEqual({ kind: 'whole', knownFrom: at(-120) });
    expect(view.unwatched).toEqual([]);
  });

  it('clips to the range: a run begun before it shows from the range start with its real start; what lies outside is left out', () => {
    const view = timeline({
      range: { from: at(10), to: at(40) },
      events: [
        spawned(0, 'cto'),
        stopped(20, 'cto'),
        spawned(1, 'ceo'),
        stopped(5, 'ceo'),
        spawned(35, 'chro'),
        stopped(55, 'chro'),
        spawned(45, 'cfo'),
        event(5, 'task_delegated', { role: 'cto' }),
        event(45, 'decision_completed'),
      ],
    });
    expect(spansOf(view.agents)).toEqual([
      ['cto', [{ from: 10, to: 20, startedAt: 0, end: 'stopped' }]],
      ['chro', [{ from: 35, to: 40, startedAt: 35, end: 'stopped' }]],
    ]);
    expect(view.tasks).toEqual([]);
    expect(view.decisions).toEqual([]);
  });

  it('leaves a run with no stop on at the range end, and starts a stop with no start where the monitor began watching', () => {
    const view = timeline({
      series: watched(-5, 60),
      events: [spawned(10, 'cto'), stopped(20, 'ceo')],
    });
    expect(spansOf(view.agents)).toEqual([
      // The monitor has watched since 13:55 and saw no spawn: the CEO ran from then at the latest, unseen before.
      ['ceo', [{ from: 0, to: 20, startedAt: null, end: 'stopped' }]],
      ['cto', [{ from: 10, to: 60, startedAt: 10, end: 'on' }]],
    ]);
  });

  it('starts a stop with no start at the restart before it, where the monitor stopped in between', () => {
    const view = timeline({
      series: [...watched(-10, 10), ...watched(30, 60)],
      events: [stopped(40, 'cto')],
    });
    expect(spansOf(view.agents)).toEqual([['cto', [{ from: 30, to: 40, startedAt: null, end: 'stopped' }]]]);
    expect(view.unwatched).toEqual([{ from: at(10), to: at(30) }]);
  });

  it("reads the delegator's and the monitor's word of one stop as one", () => {
    const view = timeline({
      events: [spawned(5, 'cto'), { ...stopped(10, 'cto'), origin: 'registry' }, stopped(10.1, 'cto')],
    });
    expect(spansOf(view.agents)).toEqual([['cto', [{ from: 5, to: 10, startedAt: 5, end: 'stopped' }]]]);
  });

  it('ends a run at a crash the delegator announced, and marks an error the monitor saw without ending the run', () => {
    const view = timeline({
      events: [
        spawned(5, 'cto'),
        event(10, 'agent_crashed', { role: 'cto', message: 'CTO reports an error' }),
        spawned(5, 'ceo'),
        event(15, 'agent_crashed', { role: 'ceo', origin: 'registry', message: 'CEO crashed: exit 1' }),
      ],
    });
    expect(spansOf(view.agents)).toEqual([
      ['ceo', [{ from: 5, to: 15, startedAt: 5, end: 'crashed' }]],
      ['cto', [{ from: 5, to: 60, startedAt: 5, end: 'on' }]],
    ]);
    expect(view.agents.find((lane) => lane.key === 'cto')?.marks.map((mark) => [mark.kind, mark.text])).toEqual([
      ['error', 'CTO reports an error'],
    ]);
  });

  it('closes a run whose stop fell while the monitor was not running, when the agent spawned again after', () => {
    const view = timeline({
      series: [...watched(-10, 20), ...watched(30, 60)],
      events: [spawned(5, 'cto'), spawned(35, 'cto'), stopped(50, 'cto'), spawned(52, 'cto')],
    });
    expect(spansOf(view.agents)).toEqual([
      [
        'cto',
        [
          { from: 5, to: 20, startedAt: 5, end: 'unseen' },
          { from: 35, to: 50, startedAt: 35, end: 'stopped' },
          { from: 52, to: 60, startedAt: 52, end: 'on' },
        ],
      ],
    ]);
  });

  describe('with what runs now', () => {
    it("keeps a run on that still runs, and ends one that no longer does where the monitor's watch broke", () => {
      const view = timeline({
        series: [...watched(-10, 20), ...watched(30, 60)],
        events: [spawned(5, 'cto'), spawned(6, 'ceo')],
        running: now(60, { cto: at(5) }),
      });
      expect(spansOf(view.agents)).toEqual([
        ['cto', [{ from: 5, to: 60, startedAt: 5, end: 'on' }]],
        ['ceo', [{ from: 6, to: 20, startedAt: 6, end: 'unseen' }]],
      ]);
    });

    it('adds what runs with no spawn logged: from its own record where it has one, else from when the monitor began watching', () => {
      const view = timeline({
        series: watched(-5, 60),
        events: [],
        running: now(60, { cto: at(-30), ceo: null }, ['llama3.1:8b']),
      });
      expect(spansOf(view.agents)).toEqual([
        ['ceo', [{ from: 0, to: 60, startedAt: null, end: 'on' }]],
        ['cto', [{ from: 0, to: 60, startedAt: -30, end: 'on' }]],
      ]);
      expect(spansOf(view.models)).toEqual([['llama3.1:8b', [{ from: 0, to: 60, startedAt: null, end: 'on' }]]]);
    });

    it('leaves open runs open where the list was not read', () => {
      const view = timeline({ events: [spawned(5, 'cto'), loaded(5, 'llama3.1:8b')], running: now(60, null, null) });
      expect(view.agents[0]?.spans[0]?.end).toBe('on');
      expect(view.models[0]?.spans[0]?.end).toBe('on');
    });

    it('ends a model Ollama no longer holds, and begins one it holds now', () => {
      const view = timeline({
        series: [...watched(-10, 20), ...watched(30, 60)],
        events: [loaded(5, 'llama3.1:8b')],
        running: now(60, {}, ['codellama:13b']),
      });
      expect(spansOf(view.models)).toEqual([
        ['llama3.1:8b', [{ from: 5, to: 20, startedAt: 5, end: 'unseen' }]],
        ['codellama:13b', [{ from: 30, to: 60, startedAt: null, end: 'on' }]],
      ]);
    });
  });

  describe('what the log covers', () => {
    it('says a range before the oldest event of a full log is beyond it, rather than showing it empty', () => {
      const events = Array.from({ length: 3 }, (_, index) => spawned(100 + index, `role_${String(index)}`));
      const view = timeline({ events, logLimit: 3 });
      expect(view.coverage).toEqual({ kind: 'none', knownFrom: at(100) });
      expect(view.agents).toEqual([]);
    });

    it('says where the log begins inside the range, and nothing is drawn before it', () => {
      const view = timeline({ series: watched(30, 60), events: [stopped(40, 'cto')] });
      expect(view.coverage).toEqual({ kind: 'part', knownFrom: at(30) });
      expect(spansOf(view.agents)).toEqual([['cto', [{ from: 30, to: 40, startedAt: null, end: 'stopped' }]]]);
    });

    it('knows nothing where nothing was logged or sampled', () => {
      const view = timeline({ series: [], events: [] });
      expect(view.coverage).toEqual({ kind: 'none', knownFrom: null });
      expect(view.peakMemory).toBeNull();
    });

    it("gives the agents' highest memory sampled inside the range", () => {
      const view = timeline({
        events: [],
        series: [sample(-5, gib(40)), sample(10, gib(6)), sample(20, gib(9)), sample(30, null), sample(70, gib(50))],
      });
      expect(view.peakMemory).toEqual({ bytes: gib(9), at: at(20) });
    });
  });
});

describe('what runs now, from a snapshot', () => {
  const NOW = Date.parse('2026-11-24T14:28:28Z');

  it('names each agent with its spawn time, and each model Ollama holds, where read this poll', () => {
    const running = runningNowOf(
      snapshotAt(NOW, {
        registry: ok(registryData([registryAgent('cto', 'deepseek-coder:6.7b')])),
        ollama: ok({ models: [ollamaModel('deepseek-coder:6.7b', 4)] }),
      }),
    );
    expect(running.at).toBe(NOW);
    expect([...(running.agents ?? [])]).toEqual([['cto', Date.parse('2026-11-24T14:23:05.000Z')]]);
    expect([...(running.models ?? [])]).toEqual([['deepseek-coder:6.7b', null]]);
  });

  it('knows no models where Ollama was not read, or gave a list cut short', () => {
    expect(runningNowOf(snapshotAt(NOW, { ollama: failed('timeout') })).models).toBeNull();
    const cut = snapshotAt(NOW, { ollama: ok({ models: [ollamaModel('llama3.1:70b', 40)], total: 2 }) });
    expect(runningNowOf(cut).models).toBeNull();
  });

  it('knows no agents where the registry they come from is failing', () => {
    expect(runningNowOf(snapshotAt(NOW, { registry: failed('Redis: connect ECONNREFUSED') })).agents).toBeNull();
  });
});

describe("the timeline's range", () => {
  const session = {
    sessionId: 's1',
    category: 'development',
    description: null,
    startedAt: iso(0),
    endedAt: iso(30),
  };

  it("is a session's start to its end, or to now while it runs", () => {
    expect(rangeOfChoice({ kind: 'session', session }, at(90), 'UTC')).toEqual({ from: at(0), to: at(30) });
    expect(rangeOfChoice({ kind: 'session', session: { ...session, endedAt: null } }, at(90), 'UTC')).toEqual({
      from: at(0),
      to: at(90),
    });
    // Dated ahead of this clock: a stretch of nothing at its start, never one that ends before it begins.
    expect(rangeOfChoice({ kind: 'session', session: { ...session, endedAt: null } }, at(-5), 'UTC')).toEqual({
      from: at(0),
      to: at(0),
    });
  });

  it("is the last hour, or today from the monitor's midnight", () => {
    expect(rangeOfChoice({ kind: 'range', range: 'hour' }, at(90), 'UTC')).toEqual({ from: at(30), to: at(90) });
    expect(rangeOfChoice({ kind: 'range', range: 'today' }, at(0), 'America/New_York')).toEqual({
      from: Date.parse('2026-11-24T05:00:00Z'),
      to: at(0),
    });
  });

  it('starts a day that changes to summer time at its own midnight', () => {
    // Berlin moves from UTC+1 to UTC+2 at 01:00 UTC on 29 March 2026: that day began at 23:00 UTC the day before.
    expect(startOfZonedDay(Date.parse('2026-03-29T12:00:00Z'), 'Europe/Berlin')).toBe(
      Date.parse('2026-03-28T23:00:00Z'),
    );
    expect(startOfZonedDay(Date.parse('2026-03-30T12:00:00Z'), 'Europe/Berlin')).toBe(
      Date.parse('2026-03-29T22:00:00Z'),
    );
    // Just after midnight is still that day; an unknown zone is this browser's own.
    expect(startOfZonedDay(Date.parse('2026-11-24T00:00:01Z'), 'UTC')).toBe(Date.parse('2026-11-24T00:00:00Z'));
    expect(Number.isFinite(startOfZonedDay(at(0), 'Not/AZone'))).toBe(true);
  });
});
