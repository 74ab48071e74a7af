import type { AgentOrigin, AgentRecord, SessionRecord } from '../../shared/model';
import { agentOriginSchema } from '../../shared/model';
import { chooseAgents, type RegistryMode } from './agentChoice';
import { agentsFromSessions } from './agentsFromSessions';
import { echoModelFor } from './echoRoster';
import type { AgentProcess, HeartbeatData, HeartbeatRecord, RegistryData } from './readings';
import type { Shown } from './sourceHealth';

export interface SightingsInput {
  readonly now: number;
  readonly mode: RegistryMode;
  readonly registry: Shown<RegistryData> | null;
  readonly registrySeen: boolean;
  readonly sessions: Shown<readonly SessionRecord[]> | null;
  readonly heartbeats: Shown<HeartbeatData> | null;
  /** ECHO's agent processes on this machine, every copy; null when they were not (or could not be) looked for. */
  readonly processes: readonly AgentProcess[] | null;
  /**
   * Roles this monitor stopped, with when: a heartbeat from before then is the
   * stopped agent's last, and says nothing of a running one (ECHO never
   * writes `stopped`, so its row stays `running` until it goes stale).
   */
  readonly stopped?: ReadonlyMap<string, number>;
  /** Subscribers to each role's `messages:<role>` on ECHO's Redis (PUBSUB NUMSUB); null where it was not asked. */
  readonly subscribers?: ReadonlyMap<string, number> | null;
  /** ECHO counts an agent down after this long without a heartbeat. */
  readonly heartbeatTimeoutSeconds: number;
}

/** One agent as every source saw it. */
export interface SightedAgent {
  readonly record: AgentRecord;
  /** The oldest of its processes: the one the delegator (or its user) started first. */
  readonly process: AgentProcess | null;
  /** Every process of this role, oldest first. */
  readonly processes: readonly AgentProcess[];
  readonly heartbeat: HeartbeatRecord | null;
  /** Subscribers to its ECHO channel; null where ECHO's Redis was not asked. */
  readonly subscribers: number | null;
}

export interface AgentList {
  /** Null when no source that names agents could be read. */
  readonly agents: readonly SightedAgent[] | null;
  /** The sources consulted for the list this poll. */
  readonly from: readonly AgentOrigin[] | null;
  /** True when a source the list leans on failed this poll and its last reading is shown. */
  readonly stale: boolean;
}

const ORIGIN_ORDER = agentOriginSchema.options;

/** A heartbeat that says the agent runs: recent, and not a row ECHO wrote when it stopped. */
export function heartbeatRunning(row: HeartbeatRecord, now: number, timeoutSeconds: number): boolean {
  return row.status !== 'stopped' && heartbeatAgeSeconds(row, now) <= timeoutSeconds;
}

/**
 * Whether ECHO's heartbeats speak for its agents here: the table exists and
 * some agent has written to it. ECHO never deletes a row, so an empty table
 * means no agent ever beat here (a new install, or agents that do not), and the
 * sessions remain the only word on which agents run.
 */
export function heartbeatsInUse(heartbeats: HeartbeatData | null): boolean {
  return heartbeats !== null && heartbeats.present && heartbeats.rows.length > 0;
}

/** ECHO writes whole seconds: a beat stamped within a second of the stop may still be the stopped agent's. */
const STOP_SLACK_MS = 1000;

/**
 * Whether this row's last beat came before this monitor stopped that role: the stopped agent's, not a running one's.
 */
function beatBeforeStop(row: HeartbeatRecord, stopped: ReadonlyMap<string, number> | undefined): boolean {
  const at = stopped?.get(row.role);
  return at !== undefined && row.lastHeartbeatAt <= at + STOP_SLACK_MS;
}

export function heartbeatAgeSeconds(row: HeartbeatRecord, now: number): number {
  return Math.max(0, Math.floor((now - row.lastHeartbeatAt) / 1000));
}

interface Seen {
  registry?: AgentRecord;
  subscribed?: boolean;
  heartbeat?: HeartbeatRecord;
  process?: AgentProcess;
  processes: AgentProcess[];
  session?: AgentRecord;
}

function seenOf(byRole: Map<string, Seen>, role: string): Seen {
  let seen = byRole.get(role);
  if (!seen) {
    seen = { processes: [] };
    byRole.set(role, seen);
  }
  return seen;
}

function merge(role: string, seen: Seen, heartbeatRunsIt: boolean): AgentRecord {
  const { registry, heartbeat, process, session, subscribed } = seen;
  const origins = ORIGIN_ORDER.filter(
    (origin) =>
      (origin === 'registry' && registry) ||
      (origin === 'heartbeat' && heartbeat && heartbeatRunsIt) ||
      (origin === 'process' && process) ||
      (origin === 'subscription' && subscribed) ||
      (origin === 'sessions' && session),
  );
  const processStart = process?.startedAt == null ? null : new Date(process.startedAt).toISOString();
  return {
    role,
    // A session's agent was spawned by the delegator with its table's model; any other took LLM.Config's.
    model: registry?.model ?? process?.model ?? session?.model ?? echoModelFor(role),
    spawnedAt: registry?.spawnedAt ?? processStart ?? session?.spawnedAt ?? null,
    sessionId: registry?.sessionId ?? session?.sessionId ?? null,
    // This machine's own process first: a registry's pid is only what someone wrote.
    pid: process?.pid ?? registry?.pid ?? null,
    host: registry?.host ?? null,
    status: registry?.status ?? heartbeat?.status ?? (process ? 'running' : null),
    lastHeartbeat: registry?.lastHeartbeat ?? (heartbeat ? new Date(heartbeat.lastHeartbeatAt).toISOString() : null),
    origins,
  };
}

/**
 * One agent list from every source. An agent runs when the registry lists it,
 * its heartbeat is fresh, or its process lives. Where ECHO keeps heartbeats,
 * they are the truth about its agents, and a session naming an agent only says
 * which session it serves; without them (an older ECHO), the active sessions'
 * `active_agents` are the list, as ECHO's own table is all there is.
 */
export function sightAgents(input: SightingsInput): AgentList {
  const registryChoice = chooseAgents(input.mode, input.registry, input.registrySeen, null);
  const heartbeatsPresent = heartbeatsInUse(input.heartbeats?.value ?? null);
  const sessionAgents = input.sessions ? agentsFromSessions(input.sessions.value) : [];
  const byRole = new Map<string, Seen>();
  const from = new Set<AgentOrigin>();

  if (registryChoice.from === 'registry' && registryChoice.agents) {
    from.add('registry');
    for (const agent of registryChoice.agents) seenOf(byRole, agent.role).registry = agent;
  }
  const heartbeatRuns = new Set<string>();
  if (heartbeatsPresent && input.heartbeats) {
    from.add('heartbeat');
    // While PostgreSQL cannot be read, the last rows are judged as of when they were read, so agents do not vanish with
    // the database.
    const asOf = input.heartbeats.stale ? input.heartbeats.at : input.now;
    for (const row of input.heartbeats.value.rows) {
      if (heartbeatRunning(row, asOf, input.heartbeatTimeoutSeconds) && !beatBeforeStop(row, input.stopped))
        heartbeatRuns.add(row.role);
    }
  }
  const othersProcesses: AgentProcess[] = [];
  if (input.processes) {
    from.add('process');
    for (const process of input.processes) {
      if (process.otherUser) {
        othersProcesses.push(process);
        continue;
      }
      const seen = seenOf(byRole, process.role);
      seen.processes.push(process);
      // Several copies of one role: the oldest is the one started first; the others are shown as its copies.
      if (!seen.process || (process.startedAt ?? Infinity) < (seen.process.startedAt ?? Infinity))
        seen.process = process;
    }
  }
  for (const role of heartbeatRuns) seenOf(byRole, role);
  // As with heartbeats, the channels speak for ECHO's agents only where some agent listens on them: a Redis with no
  // subscriber may not be ECHO's at all (Claude Desktop's agents use 6379, ECHO's runtime 6383).
  if (input.subscribers && [...input.subscribers.values()].some((count) => count > 0)) {
    // Every running agent subscribes to its own channel, wherever it runs and whatever launched it.
    from.add('subscription');
    for (const [role, count] of input.subscribers) if (count > 0) seenOf(byRole, role).subscribed = true;
  }
  const useSessionsAlone = !heartbeatsPresent && registryChoice.from !== 'registry' && input.mode !== 'redis';
  if (useSessionsAlone && input.sessions) from.add('sessions');
  for (const agent of sessionAgents) {
    const seen = useSessionsAlone ? seenOf(byRole, agent.role) : byRole.get(agent.role);
    if (seen) seen.session = agent;
  }
  for (const row of heartbeatsPresent ? (input.heartbeats?.value.rows ?? []) : []) {
    const seen = byRole.get(row.role);
    if (seen) seen.heartbeat = row;
  }
  // Another user's processes (a configured root's, which any user may run, or mimic): shown beside the copies of a
  // role this user's sources list, marked as theirs, and never counted: they make no agent, no process origin, and
  // carry no memory or CPU into the figures the alerts read.
  for (const process of othersProcesses)
    byRole.get(process.role)?.processes.push({ ...process, rssBytes: null, cpuPercent: null });

  if (from.size === 0) return { agents: null, from: null, stale: false };
  const agents = [...byRole.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([role, seen]) => ({
      record: merge(role, seen, heartbeatRuns.has(role)),
      process: seen.process ?? null,
      processes: [...seen.processes].sort(
        (a, b) => (a.startedAt ?? Infinity) - (b.startedAt ?? Infinity) || a.pid - b.pid,
      ),
      heartbeat: seen.heartbeat ?? null,
      subscribers: input.subscribers ? (input.subscribers.get(role) ?? 0) : null,
    }));
  const postgresStale =
    (from.has('heartbeat') || from.has('sessions')) && (input.heartbeats?.stale ?? input.sessions?.stale ?? false);
  return {
    agents,
    from: ORIGIN_ORDER.filter((origin) => from.has(origin)),
    stale: (from.has('registry') && registryChoice.stale) || postgresStale,
  };
}
