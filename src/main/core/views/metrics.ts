import type { AgentView, AgentWork, EchoWork, ResidentModel, Snapshot } from '../../../shared/model';
import { sourceNameSchema } from '../../../shared/model';
import { forecastVerdictSchema } from '../../../shared/forecast';
import { LEVEL_RANK } from '../alerts/level';
import { ALERT_RULES } from '../alerts/rules';

type Labels = Readonly<Record<string, string>>;

/** Which build answers, for `delegator_build_info`. */
export interface BuildInfo {
  readonly version: string;
  readonly commit: string;
}

interface Family {
  readonly name: string;
  readonly type: 'gauge' | 'counter';
  readonly help: string;
  /** Every sample of a family carries exactly these labels, so a query never meets two shapes of one series. */
  readonly labels: readonly string[];
  readonly samples: ReadonlyArray<{ readonly labels?: Labels; readonly value: number | null }>;
}

/** Label values escape backslash, double quote and newline, as the exposition format requires. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function renderLabels(names: readonly string[], labels: Labels | undefined): string {
  return names.length === 0 ? '' : `{${names.map((name) => `${name}="${escapeLabel(labels?.[name] ?? '')}"`).join(',')}}`;
}

function render(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const family of families) {
    // A value nobody could read is left out, never reported as zero.
    const known = family.samples.filter((sample) => sample.value !== null && Number.isFinite(sample.value));
    if (known.length === 0) continue;
    lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
    // Two samples with the same labels are one series given twice, which Prometheus refuses as a duplicate: the first is kept.
    const rendered = new Set<string>();
    for (const sample of known) {
      const series = `${family.name}${renderLabels(family.labels, sample.labels)}`;
      if (rendered.has(series)) continue;
      rendered.add(series);
      lines.push(`${series} ${String(sample.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const PRESSURE_RANK = { normal: 0, warn: 1, critical: 2 } as const;

const ratio = (percent: number | null): number | null => (percent === null ? null : Math.round(percent * 10) / 1000);
const seconds = (instant: string | null): number | null => (instant === null ? null : Date.parse(instant) / 1000);

/** The start of the longest-running active session, where any runs (a start dated in the future is no running time). */
function oldestStart(snapshot: Snapshot): number | null {
  const starts = (snapshot.activeSessions ?? []).map((session) => Date.parse(session.startedAt)).filter((start) => start <= Date.parse(snapshot.takenAt));
  return starts.length === 0 ? null : Math.min(...starts) / 1000;
}

/** When an agent started: now less its uptime, to the second. */
function startSeconds(agent: AgentView, takenAt: number): number | null {
  return agent.uptimeSeconds === null ? null : Math.round(takenAt / 1000 - agent.uptimeSeconds);
}

function agentFamilies(agents: readonly AgentView[], takenAt: number): Family[] {
  const each = (value: (agent: AgentView) => number | null) => agents.map((agent) => ({ labels: { role: agent.role }, value: value(agent) }));
  return [
    {
      name: 'delegator_agent_memory_bytes',
      type: 'gauge',
      help: "Each agent by each reading: estimated (the seed rule), ollama (its model's size as Ollama reports it; absent where Ollama gives none), vram (the part of that in GPU memory), process (its own resident memory).",
      labels: ['role', 'model', 'reading'],
      samples: agents.flatMap((agent) =>
        (['estimated', 'ollama', 'vram', 'process'] as const).map((reading) => ({
          labels: { role: agent.role, model: agent.model, reading },
          value: { estimated: agent.memory.estimatedBytes, ollama: agent.memory.ollamaBytes, vram: agent.memory.vramBytes, process: agent.memory.processBytes }[reading],
        })),
      ),
    },
    { name: 'delegator_agent_cpu_ratio', type: 'gauge', help: "Each agent's own process: CPU between the last two polls, in cores (1 is one core busy).", labels: ['role'], samples: each((agent) => ratio(agent.cpuPercent)) },
    {
      name: 'delegator_agent_last_heartbeat_timestamp_seconds',
      type: 'gauge',
      help: "When each agent last wrote its heartbeat to ECHO's agent_status, in seconds since the epoch.",
      labels: ['role'],
      samples: each((agent) => (agent.heartbeat === null ? null : Math.round(takenAt / 1000 - agent.heartbeat.ageSeconds))),
    },
    { name: 'delegator_agent_start_time_seconds', type: 'gauge', help: 'When each agent started, in seconds since the epoch.', labels: ['role'], samples: each((agent) => startSeconds(agent, takenAt)) },
    { name: 'delegator_agent_processes', type: 'gauge', help: "How many of each role's Erlang VMs run on this machine: more than one handles each message more than once.", labels: ['role'], samples: each((agent) => agent.copies.length) },
  ];
}

/** What ECHO records of its own work; absent where its tables could not be read. */
function workFamilies(work: EchoWork | null): Family[] {
  if (work === null) return [];
  const each = (value: (agent: AgentWork) => number) => work.agents.map((agent) => ({ labels: { role: agent.role }, value: value(agent) }));
  const byStatus = new Map<string, number>();
  for (const decision of work.openDecisions) byStatus.set(decision.status, (byStatus.get(decision.status) ?? 0) + 1);
  const workflows = new Map<string, { kind: string; status: string; count: number }>();
  for (const workflow of work.workflows) {
    const key = `${workflow.kind}/${workflow.status}`;
    workflows.set(key, { kind: workflow.kind, status: workflow.status, count: (workflows.get(key)?.count ?? 0) + 1 });
  }
  return [
    { name: 'delegator_agent_backlog_messages', type: 'gauge', help: "Messages to each agent still unread in ECHO's messages table.", labels: ['role'], samples: each((agent) => agent.backlog) },
    { name: 'delegator_agent_failed_messages', type: 'gauge', help: 'Messages to each agent whose processing failed (processing_error set).', labels: ['role'], samples: each((agent) => agent.failuresTotal) },
    { name: 'delegator_agent_tasks_today', type: 'gauge', help: 'Tasks the delegator sent each agent since the local day began.', labels: ['role'], samples: each((agent) => agent.tasksToday) },
    {
      name: 'delegator_decisions_open',
      type: 'gauge',
      help: 'Decisions not yet completed, by status (of the oldest listed).',
      labels: ['status'],
      samples: [...byStatus].map(([status, count]) => ({ labels: { status }, value: count })),
    },
    {
      name: 'delegator_workflows',
      type: 'gauge',
      help: 'Workflow and flow executions running, paused or failed (of the oldest listed), by kind and status.',
      labels: ['kind', 'status'],
      samples: [...workflows.values()].map(({ kind, status, count }) => ({ labels: { kind, status }, value: count })),
    },
  ];
}

function modelFamilies(models: readonly ResidentModel[]): Family[] {
  return [
    {
      name: 'delegator_model_memory_bytes',
      type: 'gauge',
      help: 'Each model Ollama holds, at the size Ollama reports (the estimate, all in ram, where it gives none), by where it sits: ram (this machine, all of it where memory is unified) and vram (dedicated GPU memory).',
      labels: ['model', 'memory'],
      samples: models.flatMap((model) => [
        { labels: { model: model.name, memory: 'ram' }, value: model.ramBytes },
        // Where memory is unified the whole model is RAM, and nothing of it is counted again as vram.
        { labels: { model: model.name, memory: 'vram' }, value: model.sizeBytes - model.ramBytes },
      ]),
    },
    {
      name: 'delegator_model_expiry_timestamp_seconds',
      type: 'gauge',
      help: 'When Ollama will unload each model unless it is used again (its keep-alive), in seconds since the epoch; absent for a model kept loaded for good.',
      labels: ['model'],
      samples: models.map((model) => ({ labels: { model: model.name }, value: model.staysLoaded ? null : seconds(model.expiresAt) })),
    },
    { name: 'delegator_model_agents', type: 'gauge', help: 'How many running agents use each model Ollama holds; 0 is a model held for nobody.', labels: ['model'], samples: models.map((model) => ({ labels: { model: model.name }, value: model.usedBy.length })) },
  ];
}

/**
 * The admission forecast, as the command line and the dashboard give it: each
 * category's verdict as a state set (1 for the verdict it has, 0 for the
 * others), and what it would add. No verdict where no claim can be made.
 */
function forecastFamilies(snapshot: Snapshot): Family[] {
  const categories = snapshot.forecast.categories;
  return [
    {
      name: 'delegator_forecast_verdict',
      type: 'gauge',
      help: "Each category's admission forecast, as Ollama's scheduler would handle it: 1 for its verdict, 0 for the others; absent where no claim can be made.",
      labels: ['category', 'verdict'],
      samples: categories.flatMap((entry) =>
        entry.verdict === null ? [] : forecastVerdictSchema.options.map((verdict) => ({ labels: { category: entry.category, verdict }, value: entry.verdict === verdict ? 1 : 0 })),
      ),
    },
    { name: 'delegator_forecast_need_bytes', type: 'gauge', help: "What starting each category would add to memory, given the models loaded now.", labels: ['category'], samples: categories.map((entry) => ({ labels: { category: entry.category }, value: entry.needBytes })) },
  ];
}

function sourceFamilies(snapshot: Snapshot): Family[] {
  const read = sourceNameSchema.options.filter((source) => snapshot.sources[source].state !== 'no-data');
  const each = (value: (source: (typeof read)[number]) => number | null) => read.map((source) => ({ labels: { source }, value: value(source) }));
  return [
    { name: 'delegator_source_up', type: 'gauge', help: '1 when the latest read of the source worked, 0 when it failed.', labels: ['source'], samples: each((source) => (snapshot.sources[source].state === 'ok' ? 1 : 0)) },
    {
      name: 'delegator_source_last_success_timestamp_seconds',
      type: 'gauge',
      help: 'When the source was last read well, in seconds since the epoch; absent for one never read well.',
      labels: ['source'],
      samples: each((source) => seconds(snapshot.sources[source].lastOkAt)),
    },
    { name: 'delegator_source_entries_dropped', type: 'gauge', help: 'Rows and entries the latest read could not understand and left out.', labels: ['source'], samples: each((source) => snapshot.sources[source].dropped) },
    { name: 'delegator_source_entries_dropped_total', type: 'counter', help: 'Rows and entries left out since the monitor started, each counted once.', labels: ['source'], samples: each((source) => snapshot.sources[source].droppedTotal) },
  ];
}

/**
 * The snapshot in Prometheus text exposition format (version 0.0.4), in base
 * units (bytes, seconds, ratios), so `promtool check metrics` has nothing to
 * say. Memory is in exact bytes, as the snapshot holds it.
 */
/** `eventTotals`: events of each type the host has seen since it started (ECHO's channel traffic among them). */
export function renderMetrics(snapshot: Snapshot, build: BuildInfo, eventTotals: ReadonlyMap<string, number> = new Map()): string {
  const { summary } = snapshot;
  const takenAt = Date.parse(snapshot.takenAt);
  const firing = new Map(snapshot.alerts.map((alert) => [alert.id, LEVEL_RANK[alert.severity]]));
  const alertIds = [...new Set([...ALERT_RULES.map((rule) => rule.id), ...snapshot.alerts.map((alert) => alert.id)])];
  return render([
    { name: 'delegator_build_info', type: 'gauge', help: 'Always 1: which version and commit of Delegator Monitor answers.', labels: ['version', 'commit'], samples: [{ labels: { ...build }, value: 1 }] },
    { name: 'delegator_agents', type: 'gauge', help: 'Agents running now.', labels: [], samples: [{ value: summary.activeAgents }] },
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
    { name: 'delegator_models_memory_bytes', type: 'gauge', help: 'What every model Ollama holds takes, together, as Ollama reports it; absent when it gives any of them no size.', labels: [], samples: [{ value: summary.residentModelsBytes }] },
    ...agentFamilies(snapshot.agents ?? [], takenAt),
    ...workFamilies(snapshot.work),
    {
      name: 'delegator_events_total',
      type: 'counter',
      help: "Events seen since this host started, by type: ECHO's tasks, messages and decisions from its channels, the registry's announcements, and the monitor's own.",
      labels: ['type'],
      samples: [...eventTotals].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => ({ labels: { type }, value: count })),
    },
    ...modelFamilies(snapshot.residentModels ?? []),
    { name: 'delegator_machine_memory_bytes', type: 'gauge', help: "This machine's RAM.", labels: [], samples: [{ value: summary.machineRamBytes }] },
    { name: 'delegator_machine_memory_available_bytes', type: 'gauge', help: 'RAM that can be had now on this machine.', labels: [], samples: [{ value: summary.freeRamBytes }] },
    { name: 'delegator_machine_swap_used_bytes', type: 'gauge', help: 'Swap in use on this machine (macOS, Linux); absent where it is not read.', labels: [], samples: [{ value: summary.swapUsedBytes }] },
    {
      name: 'delegator_machine_memory_pressure',
      type: 'gauge',
      help: "macOS's own judgement of memory: 0 normal, 1 warn, 2 critical; absent elsewhere.",
      labels: [],
      samples: [{ value: summary.memoryPressure === null ? null : PRESSURE_RANK[summary.memoryPressure] }],
    },
    { name: 'delegator_gpu_memory_total_bytes', type: 'gauge', help: 'Dedicated GPU memory (NVIDIA), where it can be read.', labels: [], samples: [{ value: summary.gpuTotalBytes }] },
    { name: 'delegator_gpu_memory_used_bytes', type: 'gauge', help: 'Dedicated GPU memory in use (NVIDIA), where it can be read.', labels: [], samples: [{ value: summary.gpuUsedBytes }] },
    { name: 'delegator_machine_cpu_ratio', type: 'gauge', help: "This machine's CPU between the last two polls, from 0 (idle) to 1 (every core busy).", labels: [], samples: [{ value: summary.cpuPercent === null ? null : summary.cpuPercent / 100 }] },
    { name: 'delegator_sessions_active', type: 'gauge', help: 'Sessions active now.', labels: [], samples: [{ value: summary.activeSessions }] },
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
      samples: snapshot.historyDate === snapshot.today && snapshot.stats ? Object.entries(snapshot.stats.statusBreakdown).map(([status, count]) => ({ labels: { status }, value: count })) : [],
    },
    ...sourceFamilies(snapshot),
    ...forecastFamilies(snapshot),
    { name: 'delegator_alert_level', type: 'gauge', help: 'Each alert of the monitor: 0 quiet, 1 warning, 2 critical.', labels: ['alert'], samples: alertIds.map((alert) => ({ labels: { alert }, value: firing.get(alert) ?? 0 })) },
    { name: 'delegator_warnings', type: 'gauge', help: 'Reconciliation warnings now.', labels: [], samples: [{ value: snapshot.warnings.length }] },
    { name: 'delegator_snapshot_timestamp_seconds', type: 'gauge', help: 'When the snapshot was taken, in seconds since the epoch.', labels: [], samples: [{ value: takenAt / 1000 }] },
  ]);
}
