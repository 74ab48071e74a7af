import type { Snapshot } from '../../../shared/model';
import { LEVEL_RANK } from '../alerts/level';
import { ALERT_RULES } from '../alerts/rules';
import { agentFamilies, forecastFamilies, modelFamilies, sourceFamilies, workFamilies } from './metricFamilies';
import { render } from './prometheusText';

/** Which build answers, for `delegator_build_info`. */
export interface BuildInfo {
  readonly version: string;
  readonly commit: string;
}

const PRESSURE_RANK = { normal: 0, warn: 1, critical: 2 } as const;

/** The start of the longest-running active session, where any runs (a start dated in the future is no running time). */
function oldestStart(snapshot: Snapshot): number | null {
  const starts = (snapshot.activeSessions ?? [])
    .map((session) => Date.parse(session.startedAt))
    .filter((start) => start <= Date.parse(snapshot.takenAt));
  return starts.length === 0 ? null : Math.min(...starts) / 1000;
}

/**
 * The snapshot in Prometheus text exposition format (version 0.0.4), in base
 * units (bytes, seconds, ratios), so `promtool check metrics` has nothing to
 * say. Memory is in exact bytes, as the snapshot holds it.
 */
/** `eventTotals`: events of each type the host has seen since it started (ECHO's channel traffic among them). */
export function renderMetrics(
  snapshot: Snapshot,
  build: BuildInfo,
  eventTotals: ReadonlyMap<string, number> = new Map(),
): string {
  const { summary } = snapshot;
  const takenAt = Date.parse(snapshot.takenAt);
  const firing = new Map(snapshot.alerts.map((alert) => [alert.id, LEVEL_RANK[alert.severity]]));
  const alertIds = [...new Set([...ALERT_RULES.map((rule) => rule.id), ...snapshot.alerts.map((alert) => alert.id)])];
  return render([
    {
      name: 'delegator_build_info',
      type: 'gauge',
      help: 'Always 1: which version and commit of Delegator Monitor answers.',
      labels: ['version', 'commit'],
      samples: [{ labels: { ...build }, value: 1 }],
    },
    {
      name: 'delegator_agents',
      type: 'gauge',
      help: 'Agents running now.',
      labels: [],
      samples: [{ value: summary.activeAgents }],
    },
    {
      name: 'delegator_agents_memory_bytes',
      type: 'gauge',
      help: "All agents' memory: total (the headline), estimated (the seed rule alone), measured (the models' sizes as Ollama reports them and the processes' resident memory), and the total split into ram and vram.",
      labels: ['kind'],
      samples: [
        { labels: { kind: 'total' }, value: summary.memoryBytes },
        { labels: { kind: 'estimated' }, value: summary.estimatedMemoryBytes },
        { labels: { kind: 'measured' }, value: summary.measuredMemoryBytes },
        { labels: { kind: 'ram' }, value: summary.ramBytes },
        { labels: { kind: 'vram' }, value: summary.vramBytes },
      ],
    },
    {
      name: 'delegator_models_memory_bytes',
      type: 'gauge',
      help: 'What every model Ollama holds takes, together, as Ollama reports it; absent when it gives any of them no size.',
      labels: [],
      samples: [{ value: summary.residentModelsBytes }],
    },
    ...agentFamilies(snapshot.agents ?? [], takenAt),
    ...workFamilies(snapshot.work),
    {
      name: 'delegator_events_total',
      type: 'counter',
      help: "Events seen since this host started, by type: ECHO's tasks, messages and decisions from its channels, the registry's announcements, and the monitor's own.",
      labels: ['type'],
      samples: [...eventTotals]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([type, count]) => ({ labels: { type }, value: count })),
    },
    ...modelFamilies(snapshot.residentModels ?? []),
    {
      name: 'delegator_machine_memory_bytes',
      type: 'gauge',
      help: "This machine's RAM.",
      labels: [],
      samples: [{ value: summary.machineRamBytes }],
    },
    {
      name: 'delegator_machine_memory_available_bytes',
      type: 'gauge',
      help: 'RAM that can be had now on this machine.',
      labels: [],
      samples: [{ value: summary.freeRamBytes }],
    },
    {
      name: 'delegator_machine_swap_used_bytes',
      type: 'gauge',
      help: 'Swap in use on this machine (macOS, Linux); absent where it is not read.',
      labels: [],
      samples: [{ value: summary.swapUsedBytes }],
    },
    {
      name: 'delegator_machine_memory_pressure',
      type: 'gauge',
      help: "macOS's own judgement of memory: 0 normal, 1 warn, 2 critical; absent elsewhere.",
      labels: [],
      samples: [{ value: summary.memoryPressure === null ? null : PRESSURE_RANK[summary.memoryPressure] }],
    },
    {
      name: 'delegator_gpu_memory_total_bytes',
      type: 'gauge',
      help: 'Dedicated GPU memory (NVIDIA), where it can be read.',
      labels: [],
      samples: [{ value: summary.gpuTotalBytes }],
    },
    {
      name: 'delegator_gpu_memory_used_bytes',
      type: 'gauge',
      help: 'Dedicated GPU memory in use (NVIDIA), where it can be read.',
      labels: [],
      samples: [{ value: summary.gpuUsedBytes }],
    },
    {
      name: 'delegator_machine_cpu_ratio',
      type: 'gauge',
      help: "This machine's CPU between the last two polls, from 0 (idle) to 1 (every core busy).",
      labels: [],
      samples: [{ value: summary.cpuPercent === null ? null : summary.cpuPercent / 100 }],
    },
    {
      name: 'delegator_sessions_active',
      type: 'gauge',
      help: 'Sessions active now.',
      labels: [],
      samples: [{ value: summary.activeSessions }],
    },
    {
      name: 'delegator_sessions_active_oldest_start_time_seconds',
      type: 'gauge',
      help: 'When the longest-running active session started, in seconds since the epoch; absent while none runs.',
      labels: [],
      samples: [{ value: oldestStart(snapshot) }],
    },
    {
      name: 'delegator_sessions_started_today',
      type: 'gauge',
      help: 'Sessions started on the local day, by status.',
      labels: ['status'],
      samples:
        snapshot.historyDate === snapshot.today && snapshot.stats
          ? Object.entries(snapshot.stats.statusBreakdown).map(([status, count]) => ({
              labels: { status },
              value: count,
            }))
          : [],
    },
    ...sourceFamilies(snapshot),
    ...forecastFamilies(snapshot),
    {
      name: 'delegator_alert_level',
      type: 'gauge',
      help: 'Each alert of the monitor: 0 quiet, 1 warning, 2 critical.',
      labels: ['alert'],
      samples: alertIds.map((alert) => ({ labels: { alert }, value: firing.get(alert) ?? 0 })),
    },
    {
      name: 'delegator_warnings',
      type: 'gauge',
      help: 'Reconciliation warnings now.',
      labels: [],
      samples: [{ value: snapshot.warnings.length }],
    },
    {
      name: 'delegator_snapshot_timestamp_seconds',
      type: 'gauge',
      help: 'When the snapshot was taken, in seconds since the epoch.',
      labels: [],
      samples: [{ value: takenAt / 1000 }],
    },
  ]);
}
