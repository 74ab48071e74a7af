import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import type { MonitorApi } from '../../../shared/api';
import type { ExportQuery } from '../../../shared/apiSchemas';
import type { LocalDate, SessionStats, SessionView, Snapshot } from '../../../shared/model';
import type { MonitorEvent, ResourceSample } from '../../../shared/monitorEvent';
import type { CommandRequest } from '../../../shared/commands';
import { controlKey, controlPlan, outcomeText } from '../../../shared/controlPlan';
import { appendBounded, EVENT_LOG_LIMIT, sampleOf, SERIES_LIMIT } from '../../../shared/series';
import { errorText } from '../../../shared/errorText';
import { addDays } from '../../../shared/localDate';
import { keepUnchangedParts } from './keepUnchangedParts';
import { createTimelineSlice, type TimelineSlice } from './timelineSlice';

export type StatsRange = 'today' | '7d' | '30d';

interface ConnectionSlice {
  readonly connection: { readonly status: 'connecting' | 'live' | 'lost'; readonly error: string | null };
}

/** A snapshot's time and the local clock when it arrived: durations tick from the pair. */
interface ClockAnchor {
  readonly takenAt: string;
  readonly receivedAt: number;
}

/**
 * How far a new snapshot may put the monitor's clock from the anchor's before
 * the anchor moves. Within it the anchor stays the same object, so the ticking
 * durations do not redraw on every snapshot; beyond it (a local clock that
 * jumped, a host that stalled) they follow the new one.
 */
const CLOCK_TOLERANCE_MS = 250;

interface SnapshotSlice {
  readonly snapshot: Snapshot | null;
  readonly clock: ClockAnchor | null;
  receiveSnapshot: (snapshot: Snapshot) => void;
}

interface StreamSlice {
  readonly series: readonly ResourceSample[];
  readonly events: readonly MonitorEvent[];
  receiveEvent: (event: MonitorEvent) => void;
}

interface HistorySlice {
  /** null: today's, live from each snapshot. */
  readonly historyDate: LocalDate | null;
  readonly pastHistory: {
    readonly sessions: readonly SessionView[];
    readonly loading: boolean;
    readonly error: string | null;
  };
  selectHistoryDate: (date: LocalDate | null) => Promise<void>;
}

interface StatsSlice {
  readonly statsRange: StatsRange;
  readonly rangeStats: {
    readonly value: SessionStats | null;
    readonly loading: boolean;
    readonly error: string | null;
  };
  selectStatsRange: (range: StatsRange) => Promise<void>;
}

/** Where a control's command stands: on its way, or how it ended. */
type ControlState =
  | { readonly status: 'pending'; readonly text: string }
  | { readonly status: 'done'; readonly text: string }
  | { readonly status: 'failed'; readonly text: string };

interface ControlsSlice {
  /** By {@link controlKey}: a control's state outlives a redraw of its row. */
  readonly controls: Readonly<Record<string, ControlState>>;
  /** Sends a confirmed command; another for the same thing is ignored while the first is on its way. */
  runControl: (request: CommandRequest) => Promise<void>;
}

interface ExportSlice {
  readonly exportState: { readonly status: 'idle' | 'working' | 'done' | 'failed'; readonly message: string };
  runExport: (query: ExportQuery) => Promise<void>;
}

export type MonitorState = ConnectionSlice &
  SnapshotSlice &
  StreamSlice &
  HistorySlice &
  StatsSlice &
  ControlsSlice &
  ExportSlice &
  TimelineSlice & {
    /** Subscribes, then pulls what is there, so no update falls between the two. Returns a function that stops. */
    start: () => Promise<() => void>;
  };

export type MonitorStore = StoreApi<MonitorState>;

type Slice<T> = StateCreator<MonitorState, [], [], T>;

const createSnapshotSlice =
  (now: () => number): Slice<SnapshotSlice> =>
  (set, get) => ({
    snapshot: null,
    clock: null,
    receiveSnapshot(snapshot) {
      const current = get().snapshot;
      // A pull answered after a pushed update must not roll the view back.
      if (current !== null && current.takenAt >= snapshot.takenAt) return;
      const series = get().series;
      const sampled = (series.at(-1)?.at ?? '') >= snapshot.takenAt;
      const receivedAt = now();
      const anchor = get().clock;
      const drift =
        anchor === null
          ? Infinity
          : Date.parse(snapshot.takenAt) - receivedAt - (Date.parse(anchor.takenAt) - anchor.receivedAt);
      const connection = get().connection;
      set({
        snapshot: keepUnchangedParts(current, snapshot),
        clock: Math.abs(drift) <= CLOCK_TOLERANCE_MS ? anchor : { takenAt: snapshot.takenAt, receivedAt },
        series: sampled ? series : appendBounded(series, sampleOf(snapshot), SERIES_LIMIT),
        connection: connection.status === 'live' ? connection : { status: 'live', error: null },
      });
    },
  });

const createStreamSlice: Slice<StreamSlice> = (set, get) => ({
  series: [],
  events: [],
  receiveEvent(event) {
    if (get().events.some((known) => known.id === event.id)) return;
    set({ events: appendBounded(get().events, event, EVENT_LOG_LIMIT) });
  },
});

const createHistorySlice =
  (api: MonitorApi): Slice<HistorySlice> =>
  (set, get) => ({
    historyDate: null,
    pastHistory: { sessions: [], loading: false, error: null },
    async selectHistoryDate(date) {
      const today = get().snapshot?.today ?? null;
      const effective = date === today ? null : date;
      set({ historyDate: effective, pastHistory: { sessions: [], loading: effective !== null, error: null } });
      if (effective === null) return;
      try {
        const sessions = await api.getHistory(effective);
        if (get().historyDate === effective) set({ pastHistory: { sessions, loading: false, error: null } });
      } catch (error) {
        if (get().historyDate === effective)
          set({ pastHistory: { sessions: [], loading: false, error: errorText(error) } });
      }
    },
  });

const createStatsSlice =
  (api: MonitorApi): Slice<StatsSlice> =>
  (set, get) => ({
    statsRange: 'today',
    rangeStats: { value: null, loading: false, error: null },
    async selectStatsRange(range) {
      set({ statsRange: range, rangeStats: { value: null, loading: range !== 'today', error: null } });
      const today = get().snapshot?.today;
      if (range === 'today' || today === undefined) return;
      try {
        const value = await api.getStats(addDays(today, range === '7d' ? -6 : -29), today);
        if (get().statsRange === range) set({ rangeStats: { value, loading: false, error: null } });
      } catch (error) {
        if (get().statsRange === range) set({ rangeStats: { value: null, loading: false, error: errorText(error) } });
      }
    },
  });

/** How long a control keeps saying how its command ended; the thing it acted on may come back later. */
export const CONTROL_OUTCOME_MS = 30_000;

const createControlsSlice =
  (api: MonitorApi): Slice<ControlsSlice> =>
  (set, get) => ({
    controls: {},
    async runControl(request) {
      const key = controlKey(request);
      if (get().controls[key]?.status === 'pending') return;
      const plan = controlPlan(get().snapshot, request);
      const settle = (state: ControlState) => {
        set({ controls: { ...get().controls, [key]: state } });
      };
      const settleFinally = (state: ControlState) => {
        settle(state);
        setTimeout(() => {
          if (get().controls[key] !== state) return;
          set({ controls: Object.fromEntries(Object.entries(get().controls).filter(([known]) => known !== key)) });
        }, CONTROL_OUTCOME_MS);
      };
      settle({ status: 'pending', text: plan.pending });
      try {
        const outcome = await api.sendCommand(request);
        settleFinally(
          outcome.ok ? { status: 'done', text: plan.done } : { status: 'failed', text: outcomeText(outcome) },
        );
      } catch (error) {
        // Thrown, not answered: the command never left (no registry configured, the host unreachable).
        settleFinally({
          status: 'failed',
          text: outcomeText({ ok: false, id: '', failure: 'not_sent', error: errorText(error) }),
        });
      }
    },
  });

const createExportSlice =
  (api: MonitorApi): Slice<ExportSlice> =>
  (set, get) => ({
    exportState: { status: 'idle', message: '' },
    async runExport(query) {
      if (get().exportState.status === 'working') return;
      set({ exportState: { status: 'working', message: `Exporting ${query.what}…` } });
      try {
        const outcome = await api.exportData(query);
        set({ exportState: { status: outcome.status === 'cancelled' ? 'idle' : 'done', message: outcome.message } });
      } catch (error) {
        set({ exportState: { status: 'failed', message: `Export failed: ${errorText(error)}` } });
      }
    },
  });

/** The dashboard's whole state, fed only through the MonitorApi. */
export function createMonitorStore(api: MonitorApi, now: () => number = Date.now): MonitorStore {
  return createStore<MonitorState>()((set, get, store) => ({
    connection: { status: 'connecting', error: null },
    ...createSnapshotSlice(now)(set, get, store),
    ...createStreamSlice(set, get, store),
    ...createHistorySlice(api)(set, get, store),
    ...createStatsSlice(api)(set, get, store),
    ...createControlsSlice(api)(set, get, store),
    ...createExportSlice(api)(set, get, store),
    ...createTimelineSlice(set, get),
    async start() {
      const stops = [
        api.onSnapshot((snapshot) => {
          get().receiveSnapshot(snapshot);
        }),
        api.onEvent((event) => {
          get().receiveEvent(event);
        }),
      ];
      try {
        const [snapshot, series, events] = await Promise.all([api.getSnapshot(), api.getSeries(), api.getEvents()]);
        // What arrived while pulling is newer than what was pulled, and stays.
        set((state) => ({
          series: [...series, ...state.series.filter((sample) => sample.at > (series.at(-1)?.at ?? ''))],
          events: [...events, ...state.events.filter((event) => !events.some((known) => known.id === event.id))],
        }));
        if (snapshot) get().receiveSnapshot(snapshot);
      } catch (error) {
        set({ connection: { status: 'lost', error: errorText(error) } });
      }
      return () => {
        for (const stop of stops) stop();
      };
    },
  }));
}
