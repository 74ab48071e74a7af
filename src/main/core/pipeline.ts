import type { Snapshot } from '../../shared/model';
import type { MonitorEvent, ResourceSample } from '../../shared/monitorEvent';
import { rememberModelSizes } from './admissionForecast';
import type { RegistryMode } from './agentChoice';
import { evaluateAlerts, INITIAL_ALERT_STATE, type AlertEngineState, type NotificationIntent } from './alerts/engine';
import type { AlertSettings } from '../../shared/alertSettings';
import { agentsFresh, isFresh } from './freshness';
import { localDateOf } from '../../shared/zonedDay';
import { zoneOf, type TimeZoneSource } from './localTime';
import { machineWarnings } from './machineWarnings';
import { workWarnings } from './workWarnings';
import type { MemoryOverrides } from './memoryEstimate';
import type { OllamaData, PostgresData, Readings, RegistryData } from './readings';
import { EMPTY_RECONCILE_STATE, reconcile, type ReconcileSettings, type ReconcileState } from './reconcile';
import { sampleOf } from '../../shared/series';
import { buildSnapshotBase } from './snapshot';
import type { OllamaScheduler } from './ollamaScheduler';
import { diffSnapshots } from './snapshotDiff';
import { advanceTrack, emptyTrack, type SourceTrack } from './sourceHealth';

export interface PipelineSettings {
  /** The user's zone, or where to read it at each poll. */
  readonly timeZone: TimeZoneSource;
  readonly registryMode: RegistryMode;
  readonly alerts: AlertSettings;
  readonly reconcile: ReconcileSettings;
  readonly memoryOverrides?: MemoryOverrides;
  readonly ollamaScheduler?: OllamaScheduler;
}

/** Everything carried from one poll to the next. */
export interface PipelineState {
  readonly postgres: SourceTrack<PostgresData>;
  readonly registry: SourceTrack<RegistryData>;
  readonly ollama: SourceTrack<OllamaData>;
  readonly registrySeen: boolean;
  /** Once one of ECHO's agent processes was found on this machine, a missing one means something. */
  readonly echoSeenHere: boolean;
  /** Ollama's measured size of each model it has reported, for forecasting models it has since unloaded. */
  readonly modelSizesBytes: ReadonlyMap<string, number>;
  readonly reconcile: ReconcileState;
  readonly alerts: AlertEngineState;
  readonly previous: Snapshot | null;
}

export function initialPipelineState(): PipelineState {
  return {
    postgres: emptyTrack(),
    registry: emptyTrack(),
    ollama: emptyTrack(),
    registrySeen: false,
    echoSeenHere: false,
    modelSizesBytes: new Map(),
    reconcile: EMPTY_RECONCILE_STATE,
    alerts: INITIAL_ALERT_STATE,
    previous: null,
  };
}

export interface PipelineStep {
  readonly state: PipelineState;
  readonly snapshot: Snapshot;
  readonly sample: ResourceSample;
  /** Changes seen since the previous snapshot, and alerts raised or resolved. */
  readonly events: MonitorEvent[];
  readonly intents: NotificationIntent[];
}

function alertEvents(intents: readonly NotificationIntent[], at: string): MonitorEvent[] {
  return intents
    .filter((intent) => intent.kind === 'raised' || intent.kind === 'resolved')
    .map((intent) => ({
      id: `${at}:alert:${intent.kind}:${intent.alert.id}`,
      at,
      type: intent.kind === 'raised' ? ('alert_raised' as const) : ('alert_resolved' as const),
      origin: 'monitor' as const,
      message: `${intent.title}. ${intent.alert.message}`,
    }));
}

/** One poll's readings in, one immutable snapshot out, with everything that follows from it. */
export function advancePipeline(state: PipelineState, readings: Readings, settings: PipelineSettings): PipelineStep {
  const { now } = readings;
  const registry = advanceTrack(state.registry, readings.registry, now);
  const freshRegistry = readings.registry?.ok ? readings.registry.value : null;
  const modelSizesBytes = rememberModelSizes(
    state.modelSizesBytes,
    readings.ollama?.ok ? readings.ollama.value.models : [],
  );
  const input = {
    now,
    timeZone: zoneOf(settings.timeZone),
    today: localDateOf(now, zoneOf(settings.timeZone)),
    postgres: advanceTrack(state.postgres, readings.postgres, now),
    registry,
    ollama: advanceTrack(state.ollama, readings.ollama, now),
    registryMode: settings.registryMode,
    registrySeen: state.registrySeen || (freshRegistry?.exists ?? false),
    system: readings.system,
    processes: readings.processes,
    agentProcesses: readings.agentProcesses,
    stopped: readings.stopped,
    subscribers: readings.subscribers?.ok ? readings.subscribers.value : null,
    heartbeatTimeoutSeconds: settings.reconcile.heartbeatStaleSeconds,
    memoryOverrides: settings.memoryOverrides,
    ollamaScheduler: settings.ollamaScheduler,
    modelSizesBytes,
  };
  const base = buildSnapshotBase(input);
  const scanned = readings.agentProcesses?.ok ? readings.agentProcesses.value.agents : null;
  const echoSeenHere = state.echoSeenHere || (scanned !== null && scanned.length > 0);
  const postgresFresh = isFresh(base.sources.postgres);
  const reconciled = reconcile(
    {
      now,
      activeSessions: postgresFresh ? (input.postgres.good?.value.activeSessions ?? null) : null,
      agents: agentsFresh(base) ? base.agents : null,
      agentsFrom: base.summary.agentsFrom,
      heartbeats: postgresFresh ? (input.postgres.good?.value.heartbeats ?? null) : null,
      processesHere: scanned !== null && echoSeenHere,
      processesListedAt: readings.agentProcesses?.ok ? (readings.agentProcesses.value.listedAt ?? null) : null,
      residentModels: isFresh(base.sources.ollama) ? base.residentModels : null,
      sessionsRecorded: base.sessionsRecorded,
      echo: base.echo,
    },
    state.reconcile,
    settings.reconcile,
  );
  // ECHO's records are judged only when read this poll: a stale backlog's age keeps growing while nothing is known.
  const work = postgresFresh ? base.work : null;
  const withWarnings = {
    ...base,
    warnings: [...reconciled.warnings, ...workWarnings(work), ...machineWarnings(readings.system)],
  };
  const evaluated = evaluateAlerts(state.alerts, withWarnings, settings.alerts, now);
  // Read from the sender like a source, and only where one sends: a snapshot without receivers stays as it was.
  const receivers = readings.receivers ? { receivers: [...readings.receivers] } : {};
  const snapshot: Snapshot = Object.freeze({ ...withWarnings, alerts: evaluated.alerts, ...receivers });
  return {
    state: {
      postgres: input.postgres,
      registry,
      ollama: input.ollama,
      registrySeen: input.registrySeen,
      echoSeenHere,
      modelSizesBytes,
      reconcile: reconciled.state,
      alerts: evaluated.state,
      previous: snapshot,
    },
    snapshot,
    sample: sampleOf(snapshot),
    events: [...diffSnapshots(state.previous, snapshot), ...alertEvents(evaluated.intents, snapshot.takenAt)],
    intents: evaluated.intents,
  };
}
