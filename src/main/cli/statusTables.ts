import { formatBytes, formatDuration, formatRole, residentSizeText } from '../../shared/format';
import type { ResidentModel, SessionView, Snapshot } from '../../shared/model';
import { escapeControls as shown } from '../../shared/terminalText';
import { partyName } from '../../shared/workText';
import { alignTable } from './textTable';

/** A section's first line: its name in capitals, then what it counts, in the column the header block's values start. */
export const sectionTitle = (name: string, rest: string): string => `${name.padEnd(12)}${rest}`.trimEnd();

export function localTime(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(instant));
}

const known = (value: number | null, unit: string): string => (value === null ? `? ${unit}` : `${value} ${unit}`);

function sessionRow(session: SessionView, timeZone: string): string[] {
  return [
    // Upper-cased first, so an escape keeps its lower-case `\x1b`.
    shown(session.category.toUpperCase()),
    localTime(session.startedAt, timeZone),
    formatDuration(session.durationSeconds),
    session.agents.length === 0 ? '-' : session.agents.map((role) => shown(formatRole(role))).join(', '),
    shown(session.description ?? 'No description'),
  ];
}

function sessionsTitle(snapshot: Snapshot): string {
  const { summary } = snapshot;
  if (snapshot.sessionsRecorded !== false)
    return sectionTitle(
      'SESSIONS',
      `${known(summary.activeSessions, 'active')} · ${known(summary.sessionsToday, 'today')}`,
    );
  const today = snapshot.work?.tasksPerDay.at(-1);
  const tasks = today === undefined ? '' : ` · ${today.count} ${today.count === 1 ? 'task' : 'tasks'} delegated today`;
  return sectionTitle(
    'SESSIONS',
    `not recorded by this ECHO: none in the last day while agents run (the seed guide's Part 2 persists them)${tasks}`,
  );
}

/** The active sessions, then the history day's figures. */
export function sessionsSection(snapshot: Snapshot): string[] {
  const active = snapshot.activeSessions ?? [];
  const table =
    active.length === 0
      ? []
      : alignTable(
          ['CATEGORY', 'STARTED', 'DURATION', 'AGENTS', 'DESCRIPTION'],
          active.map((session) => sessionRow(session, snapshot.timeZone)),
        );
  const stats = snapshot.stats;
  if (!stats) return [sessionsTitle(snapshot), ...table];
  const statuses = Object.entries(stats.statusBreakdown)
    .map(([status, count]) => `${count} ${shown(status)}`)
    .join(', ');
  const average = stats.avgDurationSeconds === null ? '' : `, average ${formatDuration(stats.avgDurationSeconds)}`;
  const history = `  History  ${snapshot.historyDate}: ${stats.totalSessions} ${stats.totalSessions === 1 ? 'session' : 'sessions'}${statuses ? ` (${statuses})` : ''}${average}`;
  return [sessionsTitle(snapshot), ...table, history];
}

/**
 * Where a model sits, in `ollama ps`'s words and by its rule (cmd/cmd.go): the CPU's share rounded, the GPU's the rest.
 */
export function processorText(model: Pick<ResidentModel, 'sizeBytes' | 'vramBytes' | 'sizeFrom'>): string {
  // Without a size from Ollama there is no share to take.
  if (model.sizeFrom === 'estimate') return '?';
  if (model.vramBytes === 0) return '100% CPU';
  if (model.vramBytes === model.sizeBytes) return '100% GPU';
  if (model.vramBytes > model.sizeBytes || model.sizeBytes === 0) return 'unknown';
  const cpu = Math.round(((model.sizeBytes - model.vramBytes) / model.sizeBytes) * 100);
  return `${cpu}%/${100 - cpu}% CPU/GPU`;
}

function untilText(model: ResidentModel): string {
  if (model.staysLoaded) return 'forever';
  if (model.unloadsInSeconds === null) return '?';
  return model.unloadsInSeconds === 0 ? 'unloading' : `in ${formatDuration(model.unloadsInSeconds)}`;
}

/**
 * What Ollama holds, as `ollama ps` lists it, and which agents use each.
 * Only where Ollama was asked: a source switched off has nothing to say.
 */
export function modelsSection(snapshot: Snapshot): string[] {
  const models = snapshot.residentModels;
  if (models === null)
    return snapshot.sources.ollama.state === 'no-data'
      ? []
      : [sectionTitle('MODELS', 'unknown: Ollama could not be asked')];
  const total = snapshot.residentModelsTotal ?? models.length;
  const bytes = snapshot.summary.residentModelsBytes;
  const title = sectionTitle(
    'MODELS',
    `${total} loaded${total === 0 ? '' : `, ${bytes === null ? '? (a size is unknown)' : formatBytes(bytes)}`}`,
  );
  if (models.length === 0) return [title];
  const rows = models.map((model) => [
    shown(model.name),
    residentSizeText(model),
    processorText(model),
    untilText(model),
    model.usedBy.length === 0 ? 'no agent' : model.usedBy.map((role) => shown(formatRole(role))).join(', '),
  ]);
  const more = total > models.length ? [`  … and ${total - models.length} more`] : [];
  const estimated = models.some((model) => model.sizeFrom === 'estimate')
    ? ['  SIZE as Ollama reports it; ~ where it gave none, an estimate.']
    : [];
  return [title, ...alignTable(['NAME', 'SIZE', 'PROCESSOR', 'UNTIL', 'USED BY'], rows), ...more, ...estimated];
}

/** ECHO's open decisions and its workflows that run, wait or failed. */
export function workSection(snapshot: Snapshot): string[] {
  const work = snapshot.work;
  if (work === null || work.openDecisions.length + work.workflows.length === 0) return [];
  const decisions = work.openDecisions.map((decision) => [
    'decision',
    shown(decision.type),
    shown(formatRole(decision.initiator)),
    String(decision.votes),
    formatDuration(decision.ageSeconds),
    shown(decision.status),
  ]);
  const workflows = work.workflows.map((workflow) => [
    workflow.kind,
    shown(workflow.name),
    '',
    '',
    '',
    `${shown(workflow.status)}${workflow.pauseReason === null ? '' : ` (${shown(workflow.pauseReason)})`}${workflow.error === null ? '' : `: ${shown(workflow.error)}`}`,
  ]);
  const more = (listed: number, total: number, what: string): string[] =>
    total > listed ? [`  … and ${total - listed} more ${what}`] : [];
  const counts = `${work.openDecisionsTotal} open ${work.openDecisionsTotal === 1 ? 'decision' : 'decisions'} · ${work.workflowsTotal} ${work.workflowsTotal === 1 ? 'workflow' : 'workflows'}`;
  return [
    sectionTitle('ECHO WORK', counts),
    ...alignTable(['KIND', 'NAME', 'BY', 'VOTES', 'OPEN', 'STATUS'], [...decisions, ...workflows]),
    ...more(decisions.length, work.openDecisionsTotal, 'decisions'),
    ...more(workflows.length, work.workflowsTotal, 'workflows'),
  ];
}

/**
 * ECHO's newest messages, newest first: the latest its channels carried, as
 * ECHO stores each before publishing it. A single look hears no channel.
 */
export function latestSection(snapshot: Snapshot): string[] {
  const latest = snapshot.work?.latestMessages ?? [];
  if (latest.length === 0) return [];
  const rows = latest.map((message) => {
    const subject = message.subject.trim();
    return [
      localTime(message.at, snapshot.timeZone),
      shown(partyName(message.from)),
      shown(partyName(message.to)),
      shown(message.type),
      subject === '' ? '(no subject)' : shown(subject),
    ];
  });
  return [
    sectionTitle('LATEST', 'messages, newest first'),
    ...alignTable(['TIME', 'FROM', 'TO', 'TYPE', 'SUBJECT'], rows),
  ];
}
