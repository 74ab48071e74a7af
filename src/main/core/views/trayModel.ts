import {
  formatBytes,
  formatBytesSteady,
  formatMinutes,
  formatRole,
  memorySplit,
  SOURCE_LABELS,
} from '../../../shared/format';
import type { CommandRequest } from '../../../shared/commands';
import { controlLabel } from '../../../shared/controlPlan';
import type { FocusTarget } from '../../../shared/focus';
import { trayWarns, wouldNotFitLine } from '../../../shared/forecastText';
import type { AgentView, Snapshot } from '../../../shared/model';
import { sourceNameSchema } from '../../../shared/model';

export type TrayIconState = 'idle' | 'low' | 'medium' | 'high' | 'stale' | 'error';

export type TrayAction = 'open' | 'snooze-hour' | 'snooze-tomorrow' | 'resume' | 'settings' | 'log' | 'quit';

export type { FocusTarget };

export type TrayMenuItem =
  | { readonly kind: 'action'; readonly action: TrayAction; readonly label: string; readonly enabled: boolean }
  | { readonly kind: 'info'; readonly label: string; readonly focus?: FocusTarget }
  /** Acts on the delegator or Ollama; the host asks for confirmation first, as the label's ellipsis promises. */
  | { readonly kind: 'control'; readonly label: string; readonly request: CommandRequest }
  | { readonly kind: 'submenu'; readonly label: string; readonly items: readonly TrayMenuItem[] }
  | { readonly kind: 'separator' };

export interface TrayModel {
  readonly title: string;
  readonly tooltip: string;
  readonly icon: TrayIconState;
  readonly menu: readonly TrayMenuItem[];
}

export interface TrayInput {
  readonly snapshot: Snapshot | null;
  /** Why the monitor could not start, while no snapshot can come. */
  readonly startError?: string | null;
  /** False until the host has a settings screen to open. */
  readonly settingsAvailable?: boolean;
  readonly snoozedUntil: number | null;
  readonly now: number;
  readonly formatTime: (instant: string) => string;
}

const SEPARATOR: TrayMenuItem = { kind: 'separator' };

/** "Stop CTO…": the control's own name; the words of the question come from the snapshot when clicked. */
function control(request: CommandRequest): TrayMenuItem {
  return { kind: 'control', label: controlLabel(request), request };
}

/** `3 agents · 27.7 GB`; what is unknown shows as `?`, never as 0, and an estimate says it is one. */
export function summaryLine(snapshot: Snapshot | null): string {
  const agents = snapshot?.summary.activeAgents ?? null;
  const memory = snapshot?.summary.memoryBytes ?? null;
  const estimated = snapshot?.summary.memorySource === 'estimated' || snapshot?.summary.memorySource === 'mixed';
  const count = agents === null ? '? agents' : `${agents} agent${agents === 1 ? '' : 's'}`;
  return `${count} · ${memory === null ? '? GB' : estimated ? `~${formatBytesSteady(memory)} (estimate)` : formatBytesSteady(memory)}`;
}

/** An agent's model memory in a menu line: the size Ollama reports, "model not loaded", or an estimate. */
function agentMemoryLabel(agent: AgentView): string {
  if (agent.memory.modelLoaded === false) return 'model not loaded';
  return agent.memory.ollamaBytes === null ? `~${formatBytes(agent.memoryBytes)}` : formatBytes(agent.memoryBytes);
}

/**
 * The load the icon shows: what the agents' memory takes of the machine's
 * RAM, or, where that is unknown, the seed's reading of the agent count.
 */
export function loadLevel(snapshot: Snapshot): TrayIconState {
  const { activeAgents, memoryPctOfRam } = snapshot.summary;
  if (activeAgents === 0) return 'idle';
  if (memoryPctOfRam !== null) return memoryPctOfRam < 50 ? 'low' : memoryPctOfRam < 80 ? 'medium' : 'high';
  if (activeAgents === null) return 'stale';
  return activeAgents <= 2 ? 'low' : activeAgents <= 5 ? 'medium' : 'high';
}

function iconState(snapshot: Snapshot | null): TrayIconState {
  if (snapshot === null) return 'error';
  const states = Object.values(snapshot.sources).map((health) => health.state);
  if (snapshot.sources.postgres.state === 'error' && snapshot.agents === null) return 'error';
  if (states.includes('stale') || states.includes('error')) return 'stale';
  return loadLevel(snapshot);
}

/**
 * A menu taller than a screen scrolls on some desktops and is cut on others: past this many, the dashboard lists the
 * rest.
 */
const MENU_LIST_LIMIT = 20;

/** "and 180 more agents", opening the dashboard, where a list was cut. */
function moreLine(total: number | null, shown: number, what: string): TrayMenuItem[] {
  if (total === null || total <= shown) return [];
  return [
    {
      kind: 'action',
      action: 'open',
      label: `and ${(total - shown).toLocaleString('en')} more ${what} in the dashboard…`,
      enabled: true,
    },
  ];
}

/** A menu line is one line of a screen's width; the whole reason is on the dashboard. */
const REASON_LENGTH = 100;

/** Before the first snapshot: waiting for it, or why none will come until the settings change (clicked, they open). */
function notYet(startError: string | null): TrayMenuItem {
  if (startError === null) return { kind: 'info', label: 'Waiting for the first reading' };
  const reason = startError.length > REASON_LENGTH ? `${startError.slice(0, REASON_LENGTH - 1)}…` : startError;
  return { kind: 'action', action: 'settings', label: `Could not start: ${reason}`, enabled: true };
}

function problems(snapshot: Snapshot, formatTime: (instant: string) => string): TrayMenuItem[] {
  return sourceNameSchema.options.flatMap((source): TrayMenuItem[] => {
    const health = snapshot.sources[source];
    if (health.state !== 'stale' && health.state !== 'error') return [];
    const since =
      health.state === 'stale' && health.lastOkAt !== null ? `stale since ${formatTime(health.lastOkAt)}` : 'down';
    return [{ kind: 'info', label: `${SOURCE_LABELS[source]}: ${since}`, focus: { kind: 'source', id: source } }];
  });
}

/**
 * An agent's process and heartbeat, in words that change only now and then:
 * memory to the nearest 10 MB, CPU to the nearest 10% and a silent heartbeat
 * in whole minutes, so a poll every few seconds does not rebuild (and close)
 * an open menu.
 */
function agentSignals(agent: AgentView): string[] {
  const lines: string[] = [];
  if (agent.pid !== null && agent.processAlive !== false) {
    const memory =
      agent.memory.processBytes === null ? '' : ` · process ${formatBytesSteady(agent.memory.processBytes)}`;
    const cpu = agent.cpuPercent === null ? '' : ` · CPU ~${Math.round(agent.cpuPercent / 10) * 10}%`;
    lines.push(`pid ${agent.pid}${memory}${cpu}`);
  }
  const beat = agent.heartbeat;
  if (beat !== null) {
    const silent = beat.ageSeconds >= 60 ? `silent ${formatMinutes(beat.ageSeconds)}` : 'recent';
    lines.push(`Heartbeat ${silent}${beat.status === 'running' ? '' : ` · ${beat.status}`}`);
  }
  // Loaded, but listed without a size (an Ollama-compatible server): the figure in the label is the estimate.
  if (agent.memory.modelLoaded === true && agent.memory.ollamaBytes === null)
    lines.push(`Model loaded; Ollama gave no size, ~${formatBytes(agent.memory.estimatedBytes)} estimated`);
  lines.push(`Seen by ${agent.origins.join(', ')}`);
  return lines;
}

/** Everything the tray shows, as plain data: a pure function of the snapshot, so it can be compared and tested. */
export function trayModel({
  snapshot,
  startError = null,
  snoozedUntil,
  now,
  formatTime,
  settingsAvailable = true,
}: TrayInput): TrayModel {
  const summary = summaryLine(snapshot);
  const split = snapshot && memorySplit(snapshot.summary);
  const snoozedTill = snoozedUntil !== null && snoozedUntil > now ? snoozedUntil : null;
  const snoozed = snoozedTill !== null;
  const agents: TrayMenuItem[] = (snapshot?.agents ?? []).slice(0, MENU_LIST_LIMIT).map((agent) => ({
    kind: 'submenu',
    label: `${formatRole(agent.role)} · ${agent.model} · ${agentMemoryLabel(agent)}${agent.uptimeSeconds === null ? '' : ` · up ${formatMinutes(agent.uptimeSeconds)}`}`,
    items: [
      { kind: 'info', label: 'Show in Dashboard', focus: { kind: 'agent', id: agent.role } },
      ...agentSignals(agent).map((label): TrayMenuItem => ({ kind: 'info', label })),
      SEPARATOR,
      // A role running more than once is stopped copy by copy.
      ...(agent.copies.length > 1
        ? agent.copies.map((copy) => control({ type: 'stop_agent', role: agent.role, pid: copy.pid }))
        : [control({ type: 'stop_agent', role: agent.role })]),
      // Whatever its size, a model Ollama lists can be unloaded.
      ...(agent.memory.modelLoaded === true ? [control({ type: 'unload_model', model: agent.model })] : []),
    ],
  }));
  const sessions: TrayMenuItem[] = (snapshot?.activeSessions ?? []).slice(0, MENU_LIST_LIMIT).map((session) => ({
    kind: 'submenu',
    label: `${session.category} · ${session.description ?? session.sessionId} · ${formatMinutes(session.durationSeconds)}`,
    items: [
      { kind: 'info', label: 'Show in Dashboard', focus: { kind: 'session', id: session.sessionId } },
      SEPARATOR,
      control({ type: 'end_session', sessionId: session.sessionId }),
    ],
  }));
  agents.push(...moreLine(snapshot?.summary.activeAgents ?? null, agents.length, 'agents'));
  sessions.push(...moreLine(snapshot?.summary.activeSessions ?? null, sessions.length, 'sessions'));
  const trouble = snapshot === null ? [notYet(startError)] : problems(snapshot, formatTime);
  // Only a sure "no": where free memory or what Ollama holds is unknown the forecast makes no claim, so neither does
  // the tray.
  const wontFit: TrayMenuItem[] = snapshot
    ? snapshot.forecast.categories
        .filter(trayWarns)
        .map((forecast) => ({ kind: 'info', label: wouldNotFitLine(forecast, Date.parse(snapshot.takenAt)) }))
    : [];
  // A decision waiting for votes waits for the people who cast them: it belongs where they look.
  const voting: TrayMenuItem[] = (snapshot?.work?.openDecisions ?? [])
    .filter((decision) => decision.status === 'pending' && decision.participants.length > decision.votes)
    .slice(0, MENU_LIST_LIMIT)
    .map((decision) => ({
      kind: 'info',
      label: `Decision ${decision.type} needs votes: ${decision.votes} of ${decision.participants.length} · open ${formatMinutes(decision.ageSeconds)}`,
    }));
  const groups = [agents, sessions, voting, trouble, wontFit].filter((group) => group.length > 0);
  return {
    title: summary,
    tooltip: `Delegator Monitor: ${snapshot === null && startError !== null ? 'could not start' : summary}${split === null ? '' : ` (${split})`}${snapshot?.summary.simulatedMachine == null ? '' : ` (${snapshot.summary.simulatedMachine})`}${snoozed ? ' (notifications snoozed)' : ''}`,
    icon: iconState(snapshot),
    menu: [
      { kind: 'info', label: summary },
      SEPARATOR,
      ...groups.flatMap((group) => [...group, SEPARATOR]),
      { kind: 'action', action: 'open', label: 'Open Dashboard', enabled: true },
      SEPARATOR,
      { kind: 'action', action: 'snooze-hour', label: 'Snooze notifications for 1 hour', enabled: true },
      { kind: 'action', action: 'snooze-tomorrow', label: 'Snooze notifications until tomorrow', enabled: true },
      {
        kind: 'action',
        action: 'resume',
        label:
          snoozedTill === null
            ? 'Resume notifications'
            : `Resume notifications (snoozed until ${formatTime(new Date(snoozedTill).toISOString())})`,
        enabled: snoozed,
      },
      SEPARATOR,
      { kind: 'action', action: 'settings', label: 'Settings…', enabled: settingsAvailable },
      { kind: 'action', action: 'log', label: 'Open Log', enabled: true },
      { kind: 'action', action: 'quit', label: 'Quit', enabled: true },
    ],
  };
}
