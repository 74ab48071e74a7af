import type { Snapshot } from '../../shared/model';
import type { MonitorEvent, ResourceSample } from '../../shared/monitorEvent';
import type { NotificationIntent } from '../core/alerts/engine';
import { errorText } from '../../shared/errorText';
import { appendEvents } from '../core/eventLog';
import { SILENT_LOGGER, type Logger } from '../core/logger';
import { advancePipeline, initialPipelineState, type PipelineSettings, type PipelineState } from '../core/pipeline';
import type { Readings } from '../core/readings';
import { appendBounded, EVENT_LOG_LIMIT, SERIES_LIMIT } from '../../shared/series';
import type { JsonlStore } from '../sources/jsonlStore';
import type { EventHandlers } from '../sources/redis/redisRegistry';
import { toMonitorEvent, type RegistryEvent } from '../sources/redis/registryEvent';
import { GLOBAL_TIMERS, SYSTEM_CLOCK, type Clock, type Timers } from '../core/time';
import { MalformedEvents } from './malformedEvents';

export interface MonitorOptions {
  readonly read: (now: number) => Promise<Readings>;
  /** Subscribes to the delegator's events; resolves to an unsubscribe function. */
  readonly subscribe?: (handlers: EventHandlers) => Promise<() => Promise<void>>;
  readonly settings: PipelineSettings;
  readonly pollMs: number;
  readonly clock?: Clock;
  readonly timers?: Timers;
  /** Events arriving in a burst wake the monitor once. */
  readonly wakeDebounceMs?: number;
  readonly seriesLimit?: number;
  readonly eventLimit?: number;
  readonly store?: { readonly series: JsonlStore<ResourceSample>; readonly events: JsonlStore<MonitorEvent> };
  /** Every announcement as it came, for whoever needs more than the event stream keeps (command acks). */
  readonly onRegistryEvent?: (event: RegistryEvent) => void;
  /** What went wrong in the monitor itself (persistence, a throwing listener); sources report through their health. */
  readonly log?: Logger;
}

type Listener<T> = (value: T) => void;

/**
 * Polls the sources on a fixed beat, at most one poll at a time, and wakes at
 * once when the delegator announces a change. Each poll yields one frozen
 * snapshot for every subscriber, a resource sample, events and notifications.
 */
export class Monitor {
  private state: PipelineState = initialPipelineState();
  /** Kept here, not in the pipeline state, so a snooze set during a poll is not lost when that poll ends. */
  private snoozeUntil: number | null = null;
  private stopped: ReadonlyMap<string, number> = new Map();
  private snapshot: Snapshot | null = null;
  private samples: ResourceSample[] = [];
  private log: MonitorEvent[] = [];
  private inFlight: Promise<Snapshot> | null = null;
  private wakeAfterPoll = false;
  private wakePending = false;
  private tickTimer: unknown = null;
  private wakeTimer: unknown = null;
  private running = false;
  private unsubscribe: (() => Promise<void>) | null = null;
  private subscribing = false;
  private eventSequence = 0;
  private readonly malformedEvents = new MalformedEvents();
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly snapshotListeners = new Set<Listener<Snapshot>>();
  private readonly eventListeners = new Set<Listener<MonitorEvent>>();
  private readonly notificationListeners = new Set<Listener<NotificationIntent>>();
  /** Polls that found the previous one still running and were skipped. */
  skippedTicks = 0;

  constructor(private readonly options: MonitorOptions) {
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.timers = options.timers ?? GLOBAL_TIMERS;
    this.logger = options.log ?? SILENT_LOGGER;
  }

  /** Loads the kept series and events, subscribes, polls once and starts the beat. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.loadStore();
    this.scheduleTick();
    this.trySubscribe();
    await this.pollNow();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.tickTimer !== null) this.timers.clearTimeout(this.tickTimer);
    if (this.wakeTimer !== null) this.timers.clearTimeout(this.wakeTimer);
    this.tickTimer = this.wakeTimer = null;
    await this.inFlight?.catch(() => undefined);
    await Promise.all([this.options.store?.series.flush(), this.options.store?.events.flush()]);
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = null;
    await unsubscribe?.().catch((error: unknown) => {
      this.logger.warn(`unsubscribing from events: ${errorText(error)}`);
    });
  }

  current(): Snapshot | null {
    return this.snapshot;
  }

  series(): readonly ResourceSample[] {
    return this.samples;
  }

  events(): readonly MonitorEvent[] {
    return this.log;
  }

  onSnapshot(listener: Listener<Snapshot>): () => void {
    return this.listen(this.snapshotListeners, listener);
  }

  onEvent(listener: Listener<MonitorEvent>): () => void {
    return this.listen(this.eventListeners, listener);
  }

  onNotification(listener: Listener<NotificationIntent>): () => void {
    return this.listen(this.notificationListeners, listener);
  }

  /** No notifications until `until`; alerts still fire and show, and any still firing then are told. */
  snooze(until: number): void {
    this.snoozeUntil = until;
  }

  resumeNotifications(): void {
    this.snoozeUntil = null;
  }

  /**
   * Notes that this monitor stopped a role's agent now, so its last heartbeats
   * (ECHO never writes `stopped`) are not taken for a running agent.
   */
  noteStopped(role: string): void {
    this.stopped = new Map(this.stopped).set(role, this.clock.now());
  }

  snoozedUntil(): number | null {
    return this.snoozeUntil !== null && this.clock.now() < this.snoozeUntil ? this.snoozeUntil : null;
  }

  /** Polls now, or joins the poll already running. */
  pollNow(): Promise<Snapshot> {
    this.inFlight ??= this.poll().finally(() => {
      this.inFlight = null;
      if (this.wakeAfterPoll && this.running) {
        this.wakeAfterPoll = false;
        this.pollInBackground();
      }
    });
    return this.inFlight;
  }

  /**
   * A change was announced. The first announcement polls at once (leading
   * edge, so the screen follows within one poll's time); the rest of a burst
   * cost one more poll, after the running one or at the end of a short quiet
   * period.
   */
  wake(): void {
    if (!this.running) return;
    if (this.inFlight) {
      this.wakeAfterPoll = true;
      return;
    }
    if (this.wakeTimer !== null) {
      this.wakePending = true;
      return;
    }
    this.pollInBackground();
    this.wakeTimer = this.timers.setTimeout(() => {
      this.wakeTimer = null;
      if (!this.wakePending) return;
      this.wakePending = false;
      if (this.inFlight) this.wakeAfterPoll = true;
      else this.pollInBackground();
    }, this.options.wakeDebounceMs ?? 50);
  }

  private pollInBackground(): void {
    void this.pollNow().catch((error: unknown) => {
      this.logger.error(`poll: ${errorText(error)}`);
    });
  }

  private scheduleTick(): void {
    if (!this.running) return;
    this.tickTimer = this.timers.setTimeout(() => {
      this.scheduleTick();
      if (this.inFlight) {
        this.skippedTicks += 1;
        return;
      }
      if (this.unsubscribe === null) this.trySubscribe();
      this.pollInBackground();
    }, this.options.pollMs);
  }

  private async poll(): Promise<Snapshot> {
    const readings = await this.options.read(this.clock.now());
    const snoozeAtStart = this.snoozeUntil;
    const state = { ...this.state, alerts: { ...this.state.alerts, snoozedUntil: snoozeAtStart } };
    const step = advancePipeline(state, this.withMalformedEvents(readings), this.options.settings);
    this.state = step.state;
    // The engine ends an expired snooze; one set while this poll ran stands.
    if (this.snoozeUntil === snoozeAtStart) this.snoozeUntil = step.state.alerts.snoozedUntil;
    this.snapshot = step.snapshot;
    this.samples = appendBounded(this.samples, step.sample, this.options.seriesLimit ?? SERIES_LIMIT);
    this.record(step.events);
    this.persist(this.options.store?.series, [step.sample], this.samples);
    this.emit(this.snapshotListeners, step.snapshot);
    for (const intent of step.intents) this.emit(this.notificationListeners, intent);
    return step.snapshot;
  }

  /** Bad messages on the events channel count against the registry, like bad hash entries. */
  private withMalformedEvents(readings: Readings): Readings {
    return { ...readings, registry: this.malformedEvents.addTo(readings.registry), stopped: this.stopped };
  }

  private record(events: readonly MonitorEvent[]): void {
    if (events.length === 0) return;
    const { log, added } = appendEvents(this.log, events, this.options.eventLimit ?? EVENT_LOG_LIMIT);
    this.log = log;
    this.persist(this.options.store?.events, added, this.log);
    for (const event of added) this.emit(this.eventListeners, event);
  }

  private trySubscribe(): void {
    const subscribe = this.options.subscribe;
    if (!subscribe || this.subscribing || this.unsubscribe !== null) return;
    this.subscribing = true;
    subscribe({
      onEvent: (event) => {
        this.options.onRegistryEvent?.(event);
        this.record([toMonitorEvent(event, (this.eventSequence += 1))]);
        this.wake();
      },
      onMalformed: (reason) => {
        this.malformedEvents.add(reason);
      },
      onEchoEvent: (event) => {
        this.record([event]);
        this.wake();
      },
    }).then(
      (unsubscribe) => {
        this.subscribing = false;
        if (this.running) this.unsubscribe = unsubscribe;
        else void unsubscribe().catch(() => undefined);
      },
      // Redis is down: the registry's health says so, and the next tick tries again.
      () => {
        this.subscribing = false;
      },
    );
  }

  private async loadStore(): Promise<void> {
    const store = this.options.store;
    if (!store) return;
    const [series, events] = await Promise.all([
      store.series.load().catch((error: unknown) => {
        this.logger.error(`reading the resource series: ${errorText(error)}`);
        return { value: [], dropped: [] };
      }),
      store.events.load().catch((error: unknown) => {
        this.logger.error(`reading the event log: ${errorText(error)}`);
        return { value: [], dropped: [] };
      }),
    ]);
    for (const reason of [...series.dropped, ...events.dropped]) this.logger.warn(`left out ${reason}`);
    this.samples = series.value.slice(-(this.options.seriesLimit ?? SERIES_LIMIT));
    this.log = events.value.slice(-(this.options.eventLimit ?? EVENT_LOG_LIMIT));
    this.logger.debug(`kept history read (samples: ${this.samples.length}, events: ${this.log.length})`);
  }

  private persist<T>(target: JsonlStore<T> | undefined, added: readonly T[], all: readonly T[]): void {
    target?.append(added, all).catch((error: unknown) => {
      this.logger.error(`saving: ${errorText(error)}`);
    });
  }

  private listen<T>(listeners: Set<Listener<T>>, listener: Listener<T>): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  private emit<T>(listeners: ReadonlySet<Listener<T>>, value: T): void {
    for (const listener of listeners) {
      try {
        listener(value);
      } catch (error) {
        this.logger.error(`a listener failed: ${errorText(error)}`);
      }
    }
  }
}
