import type { Snapshot } from '../../../shared/model';
import { LEVEL_RANK } from '../alerts/level';
import { ALERT_RULES } from '../alerts/rules';
import { sourceNameSchema } from '../../../shared/model';

type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly name: string;
  readonly help: string;
  readonly samples: ReadonlyArray<{ readonly labels?: Labels; readonly value: number | null }>;
}

/** Label values escape backslash, double quote and newline, as the exposition format requires. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function renderLabels(labels: Labels | undefined): string {
  const entries = Object.entries(labels ?? {});
  return entries.length === 0 ? '' : `{${entries.map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',')}}`;
}

function render(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const family of families) {
    // A value nobody could read is left out, never reported as zero.
    const known = family.samples.filter((sample) => sample.value !== null && Number.isFinite(sample.value));
    if (known.length === 0) continue;
    lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} gauge`);
    for (const sample of known) lines.push(`${family.name}${renderLabels(sample.labels)} ${String(sample.value)}`);
  }
  return `${lines.join('\n')}\n`;
}


/** The snapshot in Prometheus text exposition format (version 0.0.4). */
export function renderMetrics(snapshot: Snapshot): string {
  const { summary } = snapshot;
  const agents = snapshot.agents ?? [];
  const firing = new Map(snapshot.alerts.map((alert) => [alert.id, LEVEL_RANK[alert.severity]]));
  const alertIds = [
    ...new Set([...ALERT_RULES.map((rule) => rule.id), ...snapshot.alerts.map((alert) => alert.id)]),
  ];
  return render([
    { name: 'delegator_agents', help: 'Agents spawned now.', samples: [{ value: summary.activeAgents }] },
    {
      name: 'delegator_memory_gigabytes',
      help: "Agents' memory: the headline total, the estimate rule alone, and the part measured by Ollama and the processes.",
      samples: [
        { labels: { kind: 'total', source: summary.memorySource ?? 'unknown' }, value: summary.memoryGb },
        { labels: { kind: 'estimated' }, value: summary.estimatedMemoryGb },
        { labels: { kind: 'measured' }, value: summary.measuredMemoryGb },
        { labels: { kind: 'ram' }, value: summary.ramGb },
        { labels: { kind: 'vram' }, value: summary.vramGb },
        { labels: { kind: 'resident_models' }, value: summary.residentModelsGb },
      ],
    },
    {
      name: 'delegator_agent_memory_gigabytes',
      help: 'Each agent by each reading: estimated, ollama, vram (the part of ollama in GPU memory), process.',
      samples: agents.flatMap((agent) => [
        { labels: { role: agent.role, model: agent.model, reading: 'estimated' }, value: agent.memory.estimatedGb },
        { labels: { role: agent.role, model: agent.model, reading: 'ollama' }, value: agent.memory.ollamaGb },
        { labels: { role: agent.role, model: agent.model, reading: 'vram' }, value: agent.memory.vramGb },
        { labels: { role: agent.role, model: agent.model, reading: 'process' }, value: agent.memory.processGb },
      ]),
    },
    {
      name: 'delegator_agent_cpu_percent',
      help: "Each agent's own process: CPU between the last two polls, as a share of one core.",
      samples: agents.map((agent) => ({ labels: { role: agent.role }, value: agent.cpuPercent })),
    },
    {
      name: 'delegator_agent_heartbeat_age_seconds',
      help: "How old each agent's last heartbeat in ECHO's agent_status is.",
      samples: agents.map((agent) => ({ labels: { role: agent.role }, value: agent.heartbeat?.ageSeconds ?? null })),
    },
    { name: 'delegator_machine_ram_gigabytes', help: "This machine's RAM.", samples: [{ value: summary.machineRamGb }] },
    { name: 'delegator_free_ram_gigabytes', help: 'Free RAM on this machine.', samples: [{ value: summary.freeRamGb }] },
    {
      name: 'delegator_gpu_memory_gigabytes',
      help: 'Dedicated GPU memory (NVIDIA), where it can be read.',
      samples: [
        { labels: { kind: 'total' }, value: summary.gpuTotalGb },
        { labels: { kind: 'used' }, value: summary.gpuUsedGb },
      ],
    },
    { name: 'delegator_cpu_percent', help: 'CPU utilisation of this machine between the last two polls.', samples: [{ value: summary.cpuPercent }] },
    { name: 'delegator_active_sessions', help: 'Sessions active now.', samples: [{ value: summary.activeSessions }] },
    {
      name: 'delegator_sessions_started_today',
      help: 'Sessions started on the local day, by status.',
      samples:
        snapshot.historyDate === snapshot.today && snapshot.stats
          ? Object.entries(snapshot.stats.statusBreakdown).map(([status, count]) => ({ labels: { status }, value: count }))
          : [],
    },
    {
      name: 'delegator_source_up',
      help: '1 when the latest read of the source worked, 0 when it failed.',
      samples: sourceNameSchema.options.filter((source) => snapshot.sources[source].state !== 'no-data').map((source) => ({
        labels: { source },
        value: snapshot.sources[source].state === 'ok' ? 1 : 0,
      })),
    },
    {
      name: 'delegator_source_data_age_seconds',
      help: 'How old the values shown for a failing source are.',
      samples: sourceNameSchema.options.map((source) => ({ labels: { source }, value: snapshot.sources[source].ageSeconds })),
    },
    {
      name: 'delegator_rows_dropped',
      help: 'Rows and entries the latest read could not understand and left out.',
      samples: sourceNameSchema.options.filter((source) => snapshot.sources[source].state !== 'no-data').map((source) => ({
        labels: { source },
        value: snapshot.sources[source].dropped,
      })),
    },
    {
      name: 'delegator_alert_level',
      help: 'Each alert: 0 quiet, 1 warning, 2 critical.',
      samples: alertIds.map((alert) => ({ labels: { alert }, value: firing.get(alert) ?? 0 })),
    },
    { name: 'delegator_warnings', help: 'Reconciliation warnings now.', samples: [{ value: snapshot.warnings.length }] },
    { name: 'delegator_snapshot_timestamp_seconds', help: 'When the snapshot was taken.', samples: [{ value: Date.parse(snapshot.takenAt) / 1000 }] },
  ]);
}
