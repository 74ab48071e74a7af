import type { AgentView, AgentWork, EchoWork, ReceiverHealth, ResidentModel, Snapshot } from '../../../shared/model';
import { sourceNameSchema } from '../../../shared/model';
import { forecastVerdictSchema } from '../../../shared/forecast';
import type { Family } from './prometheusText';

const ratio = (percent: number | null): number | null => (percent === null ? null : Math.round(percent * 10) / 1000);
const seconds = (instant: string | null): number | null => (instant === null ? null : Date.parse(instant) / 1000);

/** When an agent started: now less its uptime, to the second. */
function startSeconds(agent: AgentView, takenAt: number): number | null {
  return agent.uptimeSeconds === null ? null : Math.round(takenAt / 1000 - agent.uptimeSeconds);
}

export function agentFamilies(agents: readonly AgentView[], takenAt: number): Family[] {
  const each = (value: (agent: AgentView) => number | null) =>
    agents.map((agent) => ({ labels: { role: agent.role }, value: value(agent) }));
  return [
    {
      name: 'delegator_agent_memory_bytes',
      type: 'gauge',
      help: "Each agent by each reading: estimated (the seed rule), ollama (its model's size as Ollama reports it; absent where Ollama gives none), vram (the part of that in GPU memory), process (its own resident memory).",
      labels: ['role', 'model', 'reading'],
      samples: agents.flatMap((agent) =>
        (['estimated', 'ollama', 'vram', 'process'] as const).map((reading) => ({
          labels: { role: agent.role, model: agent.model, reading },
          value: {
            estimated: agent.memory.estimatedBytes,
            ollama: agent.memory.ollamaBytes,
            vram: agent.memory.vramBytes,
            process: agent.memory.processBytes,
          }[reading],
        })),
      ),
    },
    {
      name: 'delegator_agent_cpu_ratio',
      type: 'gauge',
      help: "Each agent's own process: CPU between the last two polls, in cores (1 is one core busy).",
      labels: ['role'],
      samples: each((agent) => ratio(agent.cpuPercent)),
    },
    {
      name: 'delegator_agent_last_heartbeat_timestamp_seconds',
      type: 'gauge',
      help: "When each agent last wrote its heartbeat to ECHO's agent_status, in seconds since the epoch.",
      labels: ['role'],
      samples: each((agent) =>
        agent.heartbeat === null ? null : Math.round(takenAt / 1000 - agent.heartbeat.ageSeconds),
      ),
    },
    {
      name: 'delegator_agent_start_time_seconds',
      type: 'gauge',
      help: 'When each agent started, in seconds since the epoch.',
      labels: ['role'],
      samples: each((agent) => startSeconds(agent, takenAt)),
    },
    {
      name: 'delegator_agent_processes',
      type: 'gauge',
      help: "How many of each role's Erlang VMs run on this machine: more than one handles each message more than once.",
      labels: ['role'],
      samples: each((agent) => agent.copies.length),
    },
  ];
}

/** What ECHO records of its own work; absent where its tables could not be read. */
export function workFamilies(work: EchoWork | null): Family[] {
  if (work === null) return [];
  const each = (value: (agent: AgentWork) => number) =>
    work.agents.map((agent) => ({ labels: { role: agent.role }, value: value(agent) }));
  const byStatus = new Map<string, number>();
  for (const decision of work.openDecisions) byStatus.set(decision.status, (byStatus.get(decision.status) ?? 0) + 1);
  const workflows = new Map<string, { kind: string; status: string; count: number }>();
  for (const workflow of work.workflows) {
    const key = `${workflow.kind}/${workflow.status}`;
    workflows.set(key, { kind: workflow.kind, status: workflow.status, count: (workflows.get(key)?.count ?? 0) + 1 });
  }
  return [
    {
      name: 'delegator_agent_backlog_messages',
      type: 'gauge',
      help: "Messages to each agent still unread in ECHO's messages table.",
      labels: ['role'],
      samples: each((agent) => agent.backlog),
    },
    {
      name: 'delegator_agent_failed_messages',
      type: 'gauge',
      help: 'Messages to each agent whose processing failed (processing_error set).',
      labels: ['role'],
      samples: each((agent) => agent.failuresTotal),
    },
    {
      name: 'delegator_agent_tasks_today',
      type: 'gauge',
      help: 'Tasks the delegator sent each agent since the local day began.',
      labels: ['role'],
      samples: each((agent) => agent.tasksToday),
    },
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

export function modelFamilies(models: readonly ResidentModel[]): Family[] {
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
      samples: models.map((model) => ({
        labels: { model: model.name },
        value: model.staysLoaded ? null : seconds(model.expiresAt),
      })),
    },
    {
      name: 'delegator_model_agents',
      type: 'gauge',
      help: 'How many running agents use each model Ollama holds; 0 is a model held for nobody.',
      labels: ['model'],
      samples: models.map((model) => ({ labels: { model: model.name }, value: model.usedBy.length })),
    },
  ];
}

/**
 * The admission forecast, as the command line and the dashboard give it: each
 * category's verdict as a state set (1 for the verdict it has, 0 for the
 * others), and what it would add. No verdict where no claim can be made.
 */
export function forecastFamilies(snapshot: Snapshot): Family[] {
  const categories = snapshot.forecast.categories;
  return [
    {
      name: 'delegator_forecast_verdict',
      type: 'gauge',
      help: "Each category's admission forecast, as Ollama's scheduler would handle it: 1 for its verdict, 0 for the others; absent where no claim can be made.",
      labels: ['category', 'verdict'],
      samples: categories.flatMap((entry) =>
        entry.verdict === null
          ? []
          : forecastVerdictSchema.options.map((verdict) => ({
              labels: { category: entry.category, verdict },
              value: entry.verdict === verdict ? 1 : 0,
            })),
      ),
    },
    {
      name: 'delegator_forecast_need_bytes',
      type: 'gauge',
      help: 'What starting each category would add to memory, given the models loaded now.',
      labels: ['category'],
      samples: categories.map((entry) => ({ labels: { category: entry.category }, value: entry.needBytes })),
    },
  ];
}

/** The alert receivers, where any is configured: whether notices get out, and what waits. */
function receiverFamilies(receivers: readonly ReceiverHealth[]): Family[] {
  const each = (value: (receiver: ReceiverHealth) => number) =>
    receivers.map((receiver) => ({ labels: { receiver: receiver.name, kind: receiver.kind }, value: value(receiver) }));
  return [
    {
      name: 'delegator_alert_receiver_up',
      type: 'gauge',
      help: "1 while the alert receiver takes the monitor's notices (or none was sent yet), 0 from a failed send until one gets through.",
      labels: ['receiver', 'kind'],
      samples: each((receiver) => (receiver.state === 'ok' ? 1 : 0)),
    },
    {
      name: 'delegator_alert_receiver_queued',
      type: 'gauge',
      help: 'Notices waiting to be sent to the alert receiver, the one being tried included.',
      labels: ['receiver', 'kind'],
      samples: each((receiver) => receiver.queued),
    },
    {
      name: 'delegator_alert_receiver_delivered_total',
      type: 'counter',
      help: 'Notices the alert receiver took since the monitor started.',
      labels: ['receiver', 'kind'],
      samples: each((receiver) => receiver.delivered),
    },
    {
      name: 'delegator_alert_receiver_dropped_total',
      type: 'counter',
      help: 'Notices given up since the monitor started: out of tries, refused for good, or pushed out of a full queue.',
      labels: ['receiver', 'kind'],
      samples: each((receiver) => receiver.dropped),
    },
  ];
}

/** The sources' health, and beside it the alert receivers' (absent where none is configured). */
export function sourceFamilies(snapshot: Snapshot): Family[] {
  const read = sourceNameSchema.options.filter((source) => snapshot.sources[source].state !== 'no-data');
  const each = (value: (source: (typeof read)[number]) => number | null) =>
    read.map((source) => ({ labels: { source }, value: value(source) }));
  return [
    {
      name: 'delegator_source_up',
      type: 'gauge',
      help: '1 when the latest read of the source worked, 0 when it failed.',
      labels: ['source'],
      samples: each((source) => (snapshot.sources[source].state === 'ok' ? 1 : 0)),
    },
    {
      name: 'delegator_source_last_success_timestamp_seconds',
      type: 'gauge',
      help: 'When the source was last read well, in seconds since the epoch; absent for one never read well.',
      labels: ['source'],
      samples: each((source) => seconds(snapshot.sources[source].lastOkAt)),
    },
    {
      name: 'delegator_source_entries_dropped',
      type: 'gauge',
      help: 'Rows and entries the latest read could not understand and left out.',
      labels: ['source'],
      samples: each((source) => snapshot.sources[source].dropped),
    },
    {
      name: 'delegator_source_entries_dropped_total',
      type: 'counter',
      help: 'Rows and entries left out since the monitor started, each counted once.',
      labels: ['source'],
      samples: each((source) => snapshot.sources[source].droppedTotal),
    },
    ...(snapshot.receivers && snapshot.receivers.length > 0 ? receiverFamilies(snapshot.receivers) : []),
  ];
}
