import { formatBytes, formatDuration, formatRole } from '../../shared/format';
import type { AgentView, AgentWork, Snapshot, Summary } from '../../shared/model';
import { escapeControls as shown } from '../../shared/terminalText';
import { sectionTitle } from './statusTables';
import { alignTable } from './textTable';

const AGENT_HEADER = ['ROLE', 'MODEL', 'MODEL MEMORY', 'PROCESS', 'CPU', 'UP', 'PID', 'HEARTBEAT', 'WORK'];

/**
 * Ollama's sizes are its scheduler's own estimates, so a total read from them
 * is "reported", not "measured" (the JSON keeps `measured` for compatibility).
 */
const SOURCE_WORDS: Readonly<Record<NonNullable<Summary['memorySource']>, string>> = {
  measured: 'reported',
  estimated: 'estimated',
  mixed: 'partly estimated: models Ollama could not be asked about, or gave no size for',
};

/**
 * The model's memory as it stands: as Ollama reports it, not loaded, or an estimate where Ollama could not be asked or
 * gave no size.
 */
function modelMemoryCell(agent: AgentView): string {
  const estimate = `~${formatBytes(agent.memory.estimatedBytes)}`;
  if (agent.memory.ollamaBytes !== null) return formatBytes(agent.memory.ollamaBytes);
  if (agent.memory.modelLoaded === false) return `not loaded, needs ${estimate}`;
  if (agent.memory.modelLoaded === true) return `${estimate} (no size)`;
  return estimate;
}

function pidCell(agent: AgentView): string {
  if (agent.pid === null) return '?';
  return agent.processAlive === false ? `${agent.pid} gone` : String(agent.pid);
}

function heartbeatCell(agent: AgentView): string {
  if (agent.heartbeat === null) return 'none';
  const status = agent.heartbeat.status === 'running' ? '' : ` (${shown(agent.heartbeat.status)})`;
  return `${formatDuration(agent.heartbeat.ageSeconds)} ago${status}`;
}

/** Its backlog and failures, the two counts worth a column; `?` where ECHO's records were not read. */
function workCell(work: AgentWork | undefined, read: boolean): string {
  if (!read) return '?';
  const parts = [
    work !== undefined && work.backlog > 0 ? `${work.backlog} waiting` : null,
    work !== undefined && work.failuresTotal > 0 ? `${work.failuresTotal} failed` : null,
  ];
  const said = parts.filter((part) => part !== null);
  return said.length === 0 ? '-' : said.join(', ');
}

function agentRow(agent: AgentView, work: AgentWork | undefined, workRead: boolean): string[] {
  return [
    shown(formatRole(agent.role)),
    shown(agent.model),
    modelMemoryCell(agent),
    agent.memory.processBytes === null ? '?' : formatBytes(agent.memory.processBytes),
    agent.cpuPercent === null || agent.pid === null ? '?' : `${agent.cpuPercent}%`,
    agent.uptimeSeconds === null ? '?' : formatDuration(agent.uptimeSeconds),
    pidCell(agent),
    heartbeatCell(agent),
    workCell(work, workRead),
  ];
}

/**
 * What does not fit a column: its other copies, its last activity from ECHO's records, and who saw it where not every
 * agent was seen alike.
 */
function agentNotes(agent: AgentView, work: AgentWork | undefined, now: number, sayOrigins: boolean): string[] {
  const copies =
    agent.copies.length > 1
      ? [`${agent.copies.length} copies, PROCESS sums them: pids ${agent.copies.map((copy) => copy.pid).join(', ')}`]
      : [];
  const flags = agent.copies.flatMap((copy) => [
    ...(copy.orphaned ? [`pid ${copy.pid} orphaned`] : []),
    ...(copy.otherUser ? [`pid ${copy.pid} another user's`] : []),
  ]);
  const llm = work?.llm ?? null;
  return [
    ...(sayOrigins ? [`seen by ${agent.origins.join(', ')}`] : []),
    ...copies,
    ...flags,
    ...(work !== undefined && work.backlog > 0
      ? [`oldest waiting ${formatDuration(work.waiting[0]?.ageSeconds ?? 0)}`]
      : []),
    ...(work?.lastSent ? [`last sent ${formatDuration(work.lastSent.ageSeconds)} ago`] : []),
    ...(llm === null
      ? []
      : [`model called ${formatDuration(Math.max(0, Math.floor((now - Date.parse(llm.lastQueryAt)) / 1000)))} ago`]),
    // ECHO sends no keep-alive: a quiet agent's model leaves Ollama 5 minutes after its last call.
    ...(llm === null || llm.quietUnloadInSeconds === 0
      ? []
      : [`its model unloads in ${formatDuration(llm.quietUnloadInSeconds)} if it stays quiet`]),
  ];
}

function agentsTitle(snapshot: Snapshot): string {
  const { summary } = snapshot;
  const from = summary.agentsFrom === null ? '' : ` (from ${summary.agentsFrom.join(', ')})`;
  // With no agent there is no total to give, and no saving to claim.
  const none = summary.activeAgents === 0;
  const total =
    none || summary.memoryBytes === null || summary.memorySource === null
      ? ''
      : ` · ${summary.memorySource === 'estimated' ? '~' : ''}${formatBytes(summary.memoryBytes)} in all, ${SOURCE_WORDS[summary.memorySource]}`;
  const cpu = summary.agentsCpuPercent === null ? '' : ` · ${summary.agentsCpuPercent}% CPU`;
  const savings = none || summary.savingsPct === null ? '' : ` · ${summary.savingsPct}% savings vs all agents`;
  return sectionTitle(
    'AGENTS',
    `${summary.activeAgents === null ? '?' : summary.activeAgents} active${from}${total}${cpu}${savings}`,
  );
}

/**
 * The agents as a table, then a line on what its memory columns hold, then
 * one line for each agent with more to say than its row.
 */
export function agentsSection(snapshot: Snapshot): string[] {
  const agents = snapshot.agents ?? [];
  const title = agentsTitle(snapshot);
  if (agents.length === 0) return [title];
  const now = Date.parse(snapshot.takenAt);
  const workOf = new Map((snapshot.work?.agents ?? []).map((work) => [work.role, work]));
  const workRead = snapshot.work !== null;
  const table = alignTable(
    AGENT_HEADER,
    agents.map((agent) => agentRow(agent, workOf.get(agent.role), workRead)),
  );
  const origins = new Set(agents.map((agent) => agent.origins.join(', ')));
  const legend = [
    "  MODEL MEMORY as Ollama reports it, ~ an estimate; PROCESS the resident memory of the agent's own processes.",
    ...(origins.size === 1 ? [`  Every agent seen by ${[...origins].join('')}.`] : []),
  ];
  const notes = agents.flatMap((agent) => {
    const said = agentNotes(agent, workOf.get(agent.role), now, origins.size > 1);
    return said.length === 0 ? [] : [[`${shown(formatRole(agent.role))}:`, said.map(shown).join(' · ')]];
  });
  const [firstNote, ...otherNotes] = notes;
  const more = moreLine(snapshot);
  return [title, ...table, ...more, ...legend, ...(firstNote === undefined ? [] : alignTable(firstNote, otherNotes))];
}

/** A list cut at its limit says how many it left out. */
function moreLine(snapshot: Snapshot): string[] {
  const listed = snapshot.agents?.length ?? 0;
  const total = snapshot.summary.activeAgents ?? listed;
  return total > listed ? [`  … and ${total - listed} more`] : [];
}
