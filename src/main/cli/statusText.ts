import { formatBytes, formatDuration, formatRole, memorySplit, residentSizeText, swapText, UNIFIED_MEMORY_HINT } from '../../shared/format';
import type { AgentView, AgentWork, SessionView, Snapshot, SourceHealth, Summary } from '../../shared/model';
import { escapeControls as shown } from '../../shared/terminalText';
import { agentWorkParts, echoMessageText } from '../../shared/workText';

export interface SourceLabels {
  readonly postgres: string;
  readonly registry: string;
  readonly ollama: string;
}

const label = (name: string): string => name.padEnd(12);

function localTime(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(
    new Date(instant),
  );
}

function stateText(health: SourceHealth): string {
  switch (health.state) {
    case 'ok':
      return 'ok';
    case 'no-data':
      return 'not read';
    case 'stale':
      return `DOWN, showing data ${formatDuration(health.ageSeconds ?? 0)} old: ${shown(health.error ?? 'no answer')}`;
    case 'error':
      return `DOWN: ${shown(health.error ?? 'no answer')}`;
  }
}

function sourceLine(name: string, health: SourceHealth, where: string): string {
  const dropped = health.dropped > 0 ? `, ${health.dropped} unreadable left out` : '';
  return `${label(name)}${stateText(health)} (${shown(where)}${dropped})`;
}

function known(value: number | null, unit: string): string {
  return value === null ? `? ${unit}` : `${value} ${unit}`;
}

/**
 * The headline's source in words. Ollama's sizes are its scheduler's own
 * estimates, so a total read from them is "reported", not "measured" (the
 * JSON keeps `measured` for compatibility).
 */
const SOURCE_WORDS: Readonly<Record<NonNullable<Summary['memorySource']>, string>> = { measured: 'reported', estimated: 'estimated', mixed: 'mixed' };

function memoryLine(summary: Summary): string {
  if (summary.memoryBytes === null) return `${label('Memory')}? GB of ${formatBytes(summary.machineRamBytes)} RAM`;
  const share = summary.memoryPctOfRam === null ? '' : ` (${summary.memoryPctOfRam}%)`;
  const savings = summary.savingsPct === null ? '' : ` · ${summary.savingsPct}% savings vs all agents`;
  const split = memorySplit(summary);
  const free = summary.freeRamBytes === null ? ' · free memory unknown' : '';
  const gpu = summary.gpuTotalBytes === null || summary.gpuUsedBytes === null ? '' : ` · GPU memory ${formatBytes(summary.gpuUsedBytes)} of ${formatBytes(summary.gpuTotalBytes)}`;
  const estimate = summary.memorySource === 'measured' || summary.memorySource === null ? '' : ' · models Ollama could not be asked about, or gave no size for, are estimates';
  const machine = [swapText(summary.swapUsedBytes), summary.unifiedMemoryHint ? UNIFIED_MEMORY_HINT : null].filter((part) => part !== null).map((part) => ` · ${part}`).join('');
  return `${label('Memory')}${formatBytes(summary.memoryBytes)} ${summary.memorySource === null ? '' : SOURCE_WORDS[summary.memorySource]}${split === null ? '' : ` (${split})`} of ${formatBytes(summary.machineRamBytes)} RAM${share}${savings}${free}${gpu}${estimate}${machine}`;
}

/** The model's memory as it stands: as Ollama reports it, not loaded, or an estimate where Ollama could not be asked or gave no size. */
function modelMemoryText(agent: AgentView): string {
  if (agent.memory.ollamaBytes !== null) return `${formatBytes(agent.memory.ollamaBytes)} (reported by Ollama)`;
  if (agent.memory.modelLoaded === false) return `not loaded (needs ~${formatBytes(agent.memory.estimatedBytes)} to load)`;
  if (agent.memory.modelLoaded === true) return `~${formatBytes(agent.memory.estimatedBytes)} (estimated: loaded, Ollama gave no size)`;
  return `~${formatBytes(agent.memory.estimatedBytes)} (estimated)`;
}

/** Each copy beyond the first, and what its parents say: orphaned, or under a wrapper. */
function copiesText(agent: AgentView): string {
  const flags = agent.copies.flatMap((copy) => [
    ...(copy.orphaned ? [`pid ${copy.pid} orphaned`] : []),
    ...(copy.otherUser ? [`pid ${copy.pid} another user's`] : []),
  ]);
  const more = agent.copies.length > 1 ? `  ${agent.copies.length} copies: pids ${agent.copies.map((copy) => copy.pid).join(', ')}` : '';
  return `${more}${flags.length > 0 ? `  (${flags.join(', ')})` : ''}`;
}

/** ECHO's roots and delegators on this machine, where the processes were looked at. */
function echoLines(snapshot: Snapshot): string[] {
  const echo = snapshot.echo;
  if (echo === null) return [];
  const roots = echo.configuredRoot !== null ? `${shown(echo.configuredRoot)} (configured)` : echo.roots.length === 0 ? 'no agent runs here' : echo.roots.map(shown).join(', ');
  const left = [
    ...(echo.otherRoots > 0 ? [`${echo.otherRoots} of other roots left out`] : []),
    ...(echo.otherUsers > 0 ? [`${echo.otherUsers} of other users left out`] : []),
  ];
  const delegators = echo.delegators.map(
    (process) =>
      `  delegator  pid ${process.pid}${process.processBytes === null ? '' : `  ${formatBytes(process.processBytes)}`}${process.uptimeSeconds === null ? '' : `  up ${formatDuration(process.uptimeSeconds)}`}`,
  );
  return [`${label('ECHO root')}${roots}${left.length > 0 ? ` (${left.join(', ')})` : ''}`, ...delegators];
}

/** ECHO's open decisions and its workflows that run, wait or failed. */
function workLines(snapshot: Snapshot): string[] {
  const work = snapshot.work;
  if (work === null) return [];
  const decisions = work.openDecisions.map(
    (decision) =>
      `  decision ${shown(decision.type)} by ${shown(formatRole(decision.initiator))}  ${shown(decision.status)}  ${decision.votes} ${decision.votes === 1 ? 'vote' : 'votes'}  open ${formatDuration(decision.ageSeconds)}`,
  );
  const workflows = work.workflows.map(
    (workflow) =>
      `  ${workflow.kind} ${shown(workflow.name)}  ${shown(workflow.status)}${workflow.pauseReason === null ? '' : ` (${shown(workflow.pauseReason)})`}${workflow.error === null ? '' : `: ${shown(workflow.error)}`}`,
  );
  const more = (shownCount: number, total: number, what: string): string[] => (total > shownCount ? [`  … and ${total - shownCount} more ${what}`] : []);
  return [...decisions, ...more(decisions.length, work.openDecisionsTotal, 'decisions'), ...workflows, ...more(workflows.length, work.workflowsTotal, 'workflows')];
}

/**
 * ECHO's newest messages, newest first: the latest its channels carried, as
 * ECHO stores each before publishing it. A single look hears no channel.
 */
function latestLines(snapshot: Snapshot): string[] {
  const latest = snapshot.work?.latestMessages ?? [];
  return latest.map((message, index) => `${label(index === 0 ? 'Latest' : '')}${localTime(message.at, snapshot.timeZone)}  ${shown(echoMessageText(message))}`);
}

function sessionsLine(snapshot: Snapshot): string {
  const { summary } = snapshot;
  const counts = `${known(summary.activeSessions, 'active')} · ${known(summary.sessionsToday, 'today')}`;
  if (snapshot.sessionsRecorded !== false) return `${label('Sessions')}${counts}`;
  const today = snapshot.work?.tasksPerDay.at(-1);
  const tasks = today === undefined ? '' : ` · ${today.count} ${today.count === 1 ? 'task' : 'tasks'} delegated today`;
  return `${label('Sessions')}not recorded by this ECHO: none in the last day while agents run (the seed guide's Part 2 persists them)${tasks}`;
}

function sessionLine(session: SessionView, timeZone: string): string {
  const agents = session.agents.length > 0 ? `  [${session.agents.map((role) => shown(formatRole(role))).join(', ')}]` : '';
  // Upper-cased first, so an escape keeps its lower-case `\x1b`.
  return `  ${shown(session.category.toUpperCase())}  ${localTime(session.startedAt, timeZone)}  ${formatDuration(session.durationSeconds)}  ${shown(session.description ?? 'No description')}${agents}`;
}

/** The agent's own work from ECHO's records: its backlog, failures, last message and last model call. */
const workText = (work: AgentWork | undefined, now: number): string => agentWorkParts(work, now).map((part) => `  ${shown(part)}`).join('');

function agentLine(agent: AgentView, work: AgentWork | undefined, now: number): string {
  const uptime = agent.uptimeSeconds === null ? '' : `  up ${formatDuration(agent.uptimeSeconds)}`;
  const process = agent.memory.processBytes === null ? '' : ` + ${agent.copies.length > 1 ? 'processes' : 'process'} ${formatBytes(agent.memory.processBytes)}`;
  const pid = agent.pid === null || agent.processAlive === false ? '' : `  pid ${agent.pid}${agent.cpuPercent === null ? '' : ` ${agent.cpuPercent}% CPU`}`;
  const beat = agent.heartbeat === null ? '' : `  heartbeat ${formatDuration(agent.heartbeat.ageSeconds)} ago${agent.heartbeat.status === 'running' ? '' : ` (${shown(agent.heartbeat.status)})`}`;
  return `  ${shown(formatRole(agent.role))}  ${shown(agent.model)}  ${modelMemoryText(agent)}${process}${uptime}${pid}${copiesText(agent)}${beat}${workText(work, now)}  [${agent.origins.join(', ')}]`;
}

/** The short summary `status` prints for a person. */
export function statusText(snapshot: Snapshot, where: SourceLabels): string {
  const { summary, timeZone } = snapshot;
  const cpu = summary.cpuPercent === null ? '' : ` · CPU ${summary.cpuLoad ?? ''} (${summary.cpuPercent}%)`;
  const agentsFrom = summary.agentsFrom === null ? '' : ` (from ${summary.agentsFrom.join(', ')})`;
  const agentsCpu = summary.agentsCpuPercent === null ? '' : ` · agents ${summary.agentsCpuPercent}% CPU`;
  const lines = [
    `Delegator Monitor  ${snapshot.today} ${localTime(snapshot.takenAt, timeZone)} (${shown(timeZone)})`,
    sourceLine('PostgreSQL', snapshot.sources.postgres, where.postgres),
    sourceLine('Registry', snapshot.sources.registry, where.registry),
    sourceLine('Ollama', snapshot.sources.ollama, where.ollama),
    `${label('Agents')}${known(summary.activeAgents, 'active')}${agentsFrom}${cpu}${agentsCpu}`,
    memoryLine(summary),
    ...echoLines(snapshot),
    sessionsLine(snapshot),
  ];
  for (const session of snapshot.activeSessions ?? []) lines.push(sessionLine(session, timeZone));
  const now = Date.parse(snapshot.takenAt);
  const workOf = new Map((snapshot.work?.agents ?? []).map((work) => [work.role, work]));
  for (const agent of snapshot.agents ?? []) lines.push(agentLine(agent, workOf.get(agent.role), now));
  lines.push(...workLines(snapshot), ...latestLines(snapshot));
  for (const model of snapshot.residentModels ?? []) {
    if (model.usedBy.length > 0) continue;
    const unload = model.staysLoaded ? ', stays loaded' : model.unloadsInSeconds === null ? '' : `, unloads in ${formatDuration(model.unloadsInSeconds)}`;
    lines.push(`  (loaded, no agent) ${shown(model.name)}  ${residentSizeText(model)}${unload}`);
  }
  const stats = snapshot.stats;
  if (stats) {
    const statuses = Object.entries(stats.statusBreakdown)
      .map(([status, count]) => `${count} ${shown(status)}`)
      .join(', ');
    const average = stats.avgDurationSeconds === null ? '' : `, average ${formatDuration(stats.avgDurationSeconds)}`;
    lines.push(`${label('History')}${snapshot.historyDate}: ${stats.totalSessions} ${stats.totalSessions === 1 ? 'session' : 'sessions'}${statuses ? ` (${statuses})` : ''}${average}`);
  }
  for (const alert of snapshot.alerts) {
    lines.push(`${alert.severity.toUpperCase()}: ${shown(alert.message)}${alert.suggestedAction ? ` ${shown(alert.suggestedAction)}.` : ''}`);
  }
  for (const warning of snapshot.warnings) lines.push(`Note: ${shown(warning.message)}`);
  return lines.join('\n');
}
