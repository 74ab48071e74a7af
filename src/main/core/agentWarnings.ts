import { formatDuration, formatBytes, formatRole } from '../../shared/format';
import type { AgentView, EchoMachine, EchoProcessView, SessionRecord, Warning } from '../../shared/model';
import { holdsItsModel } from '../../shared/modelName';
import { heartbeatsInUse } from './agentSightings';
import type { HeartbeatData } from './readings';

/** What the agent warnings compare; every list is fresh this poll, or null. */
export interface AgentSignals {
  readonly now: number;
  readonly agents: readonly AgentView[];
  readonly activeSessions: readonly SessionRecord[] | null;
  /** ECHO's heartbeats as read this poll; null when PostgreSQL failed or ECHO keeps none. */
  readonly heartbeats: HeartbeatData | null;
  /**
   * True when this machine's processes were looked at and ECHO's agents run here, so a missing process means something.
   */
  readonly processesHere: boolean;
  /** ECHO counts an agent down after this long without a heartbeat. */
  readonly heartbeatStaleSeconds: number;
  /** Whether this ECHO records sessions; an agent in none means something only where it does. */
  readonly sessionsRecorded: boolean | null;
  /** ECHO's roots and delegators on this machine; null when not looked at. */
  readonly echo: EchoMachine | null;
  /**
   * When the listing of this machine's processes started, and since when each
   * role has beaten with no process known here: a listing older than that
   * cannot tell a process gone from one started since. Absent: not told.
   */
  readonly listing?: { readonly listedAt: number; readonly missingSince: ReadonlyMap<string, number> } | null;
}

/** A fresh heartbeat, no process of it here, where processes are looked at: a process gone, or not listed yet. */
export function missingHere(agent: AgentView, signals: Pick<AgentSignals, 'processesHere'>): boolean {
  const elsewhere = !agent.origins.includes('process') && (agent.subscribers ?? 0) > 0;
  return (
    agent.origins.includes('heartbeat') && !agent.origins.includes('process') && !elsewhere && signals.processesHere
  );
}

/** Whether a listing was made since the role was first found missing: only then is "no process" a finding. */
function listedSinceMissing(role: string, listing: AgentSignals['listing']): boolean {
  if (listing == null) return true;
  const since = listing.missingSince.get(role);
  return since === undefined || listing.listedAt >= since;
}

const ageOf = (instant: number, now: number): number => Math.max(0, Math.floor((now - instant) / 1000));

/** A session's agents with no fresh heartbeat: ECHO itself counts them down. */
function silentSessionAgents(signals: AgentSignals): Warning[] {
  const { heartbeats, now, heartbeatStaleSeconds: stale } = signals;
  if (heartbeats === null || !heartbeatsInUse(heartbeats)) return [];
  const rows = new Map(heartbeats.rows.map((row) => [row.role, row]));
  const running = new Set(signals.agents.map((agent) => agent.role));
  const warnings: Warning[] = [];
  for (const session of signals.activeSessions ?? []) {
    // A session just begun may name an agent whose first heartbeat is on its way.
    if (ageOf(Date.parse(session.startedAt), now) <= stale) continue;
    for (const role of session.agents) {
      if (running.has(role)) continue;
      const row = rows.get(role);
      // A beat younger than ECHO's rule is not silence: the agent was just stopped, here or by ECHO.
      if (row && ageOf(row.lastHeartbeatAt, now) <= stale) continue;
      const silence = row
        ? `has sent no heartbeat for ${formatDuration(ageOf(row.lastHeartbeatAt, now))}`
        : 'has never sent a heartbeat';
      warnings.push({
        kind: 'agent-heartbeat-stale',
        role,
        sessionId: session.sessionId,
        message: `${formatRole(role)} (session ${session.sessionId}) ${silence}${row?.status === 'stopped' ? ' and says it stopped' : ''}. ECHO counts it down: end the session, or start the agent again.`,
      });
    }
  }
  return warnings;
}

function agentWarning(agent: AgentView, signals: AgentSignals): Warning | null {
  const name = formatRole(agent.role);
  const heartbeatSeen = agent.origins.includes('heartbeat');
  const processSeen = agent.origins.includes('process');
  // A subscriber to its channel with no process here runs on another host, which is no fault (missingHere).
  if (missingHere(agent, signals) && agent.heartbeat !== null && listedSinceMissing(agent.role, signals.listing)) {
    const theirs = agent.copies.filter((copy) => copy.otherUser).map((copy) => copy.pid);
    const others =
      theirs.length === 0
        ? ''
        : ` as this user (pid${theirs.length === 1 ? '' : 's'} ${theirs.join(', ')} here ${theirs.length === 1 ? 'is' : 'are'} another user's)`;
    return {
      kind: 'agent-process-gone',
      role: agent.role,
      message: `${name}'s heartbeat is ${formatDuration(agent.heartbeat.ageSeconds)} old, but no process of it runs on this machine${others}. It may run on another machine (ECHO's heartbeats name none), or it has just exited; ECHO counts it down once its heartbeat is ${formatDuration(signals.heartbeatStaleSeconds)} old.`,
    };
  }
  const hung = heartbeatsInUse(signals.heartbeats) && processSeen && !heartbeatSeen;
  if (hung && (agent.uptimeSeconds ?? 0) > signals.heartbeatStaleSeconds) {
    const silence =
      agent.heartbeat === null
        ? 'has never sent a heartbeat'
        : `has sent no heartbeat for ${formatDuration(agent.heartbeat.ageSeconds)}`;
    return {
      kind: 'agent-hung',
      role: agent.role,
      message: `${name}'s process${agent.pid === null ? '' : ` ${agent.pid}`} runs but ${silence}: it may be hung, or cannot reach PostgreSQL (ECHO's agents keep quiet about database errors). Look at its log; stop it and start it again.`,
    };
  }
  return null;
}

/** Agents in error, and agents that serve no active session while holding their model's memory. */
function statusWarnings(agent: AgentView, signals: AgentSignals): Warning | null {
  const name = formatRole(agent.role);
  if (agent.status === 'error' || agent.heartbeat?.status === 'error') {
    return {
      kind: 'agent-error',
      role: agent.role,
      message: `${name} reports an error. Look at its log, then stop it to free its memory.`,
    };
  }
  const sessions = signals.activeSessions;
  // Where ECHO keeps its sessions in memory only, no agent is in a recorded one: that says nothing of idleness.
  // Only a model Ollama is seen holding is memory that stopping frees: an estimate is no ground for the advice.
  if (
    sessions === null ||
    signals.sessionsRecorded !== true ||
    !holdsItsModel(agent) ||
    agent.memory.modelLoaded !== true
  )
    return null;
  const serving = sessions.some(
    (session) => session.sessionId === agent.sessionId || session.agents.includes(agent.role),
  );
  if (serving) return null;
  return {
    kind: 'agent-idle',
    role: agent.role,
    message: `${name} runs in no active session and holds ${agent.model} (${formatBytes(agent.memoryBytes)}): stopping it frees that memory.`,
  };
}

const TIMES = ['once', 'twice', 'three times'];
const timesOf = (count: number): string => TIMES[count - 1] ?? `${count} times`;

/**
 * A role running more than once from one root: every copy takes each message
 * sent to the role. Only this user's copies count: another user's process is
 * shown, and anyone may start one that looks like an agent.
 */
function copiesWarnings(agent: AgentView): Warning[] {
  const mine = agent.copies.filter((copy) => !copy.otherUser);
  const byRoot = new Map<string | null, EchoProcessView[]>();
  for (const copy of mine) byRoot.set(copy.root, [...(byRoot.get(copy.root) ?? []), copy]);
  const subscribers = agent.subscribers ?? 0;
  // Copies on other hosts (or ones this machine cannot see) show only as subscribers to the role's channel.
  if (subscribers > 1 && [...byRoot.values()].every((copies) => copies.length < subscribers)) {
    const here =
      mine.length === 0 ? 'none of them on this machine' : `pids ${mine.map((copy) => copy.pid).join(', ')} here`;
    return [
      {
        kind: 'agent-copies',
        role: agent.role,
        message: `${formatRole(agent.role)} runs ${timesOf(subscribers)} (${subscribers} subscribers to messages:${agent.role}, ${here}): ECHO handles each of its messages ${timesOf(subscribers)}; stop all but one.`,
      },
    ];
  }
  return [...byRoot.values()]
    .filter((copies) => copies.length > 1)
    .map((copies) => {
      const oldest = copies[0];
      const orphans = copies.filter((copy) => copy.orphaned).map((copy) => copy.pid);
      const orphaned =
        orphans.length > 0
          ? ` ${orphans.length === 1 ? `Pid ${orphans[0]} is` : `Pids ${orphans.join(', ')} are`} orphaned: a delegator that died left ${orphans.length === 1 ? 'it' : 'them'} running.`
          : '';
      return {
        kind: 'agent-copies' as const,
        role: agent.role,
        message: `${formatRole(agent.role)} runs ${timesOf(copies.length)} (pids ${copies.map((copy) => copy.pid).join(', ')}): ECHO handles each of its messages ${timesOf(copies.length)}; stop the older${oldest ? ` (pid ${oldest.pid})` : ''}.${orphaned}`,
      };
    });
}

/**
 * Several ECHO checkouts run here and none is chosen: every root's agents are shown apart, and Stop waits for a choice.
 */
function rootsWarning(echo: EchoMachine | null): Warning[] {
  if (echo === null || echo.configuredRoot !== null || echo.roots.length < 2) return [];
  return [
    {
      kind: 'echo-roots',
      message: `ECHO runs here from ${echo.roots.length} checkouts (${echo.roots.join(', ')}); their agents are shown together. Set MONITOR_AGENT_PROCESSES to the root to watch; until then Stop acts on none of them.`,
    },
  ];
}

/** Where ECHO's own signals (heartbeats, processes, statuses) disagree with each other or with the sessions. */
export function agentSignalWarnings(signals: AgentSignals): Warning[] {
  const perAgent = signals.agents.flatMap((agent) =>
    [agentWarning(agent, signals), statusWarnings(agent, signals), ...copiesWarnings(agent)].filter(
      (warning) => warning !== null,
    ),
  );
  return [...rootsWarning(signals.echo), ...silentSessionAgents(signals), ...perAgent];
}
