import type { CommandOutcome, CommandRequest } from './commands';
import { formatBytes, formatRole, joinNames, residentSizeText } from './format';
import { holdsItsModel, normalizeModel, sameModel } from './modelName';
import type { AgentView, Snapshot } from './model';

/** What a control says before it acts, while it acts, and once it has. */
export interface ControlPlan {
  /** The button: "Stop", "End session", "Unload". */
  readonly verb: string;
  /** The button's accessible name, which says on what: "Stop CTO". */
  readonly name: string;
  /** The confirmation, with what the action frees. */
  readonly confirm: string;
  readonly pending: string;
  readonly done: string;
}

const residentOf = (snapshot: Snapshot | null, model: string) =>
  snapshot?.residentModels?.find((entry) => sameModel(entry.name, model));

/** Each model's memory: Ollama's size where it holds the model, else what its agents are reckoned to take. */
function modelMemoryBytes(snapshot: Snapshot | null, model: string): number | null {
  const resident = residentOf(snapshot, model);
  if (resident) return resident.sizeBytes;
  const agent = snapshot?.agents?.find((entry) => sameModel(entry.model, model));
  return agent ? agent.memoryBytes : null;
}

/** An agent's model memory in words, `~` where it is an estimate (Ollama gave no size, or does not hold the model). */
function modelMemoryText(snapshot: Snapshot | null, agent: AgentView): string {
  const resident = residentOf(snapshot, agent.model);
  return resident ? residentSizeText(resident) : `~${formatBytes(agent.memoryBytes)}`;
}

const holding = (agents: readonly AgentView[]): AgentView[] => agents.filter(holdsItsModel);

/** What ECHO does once an agent is gone: its delegator never learns of the exit. */
export const AFTER_STOP_TEXT = 'ECHO keeps the role registered until its delegator restarts';

function stopAgentPlan(snapshot: Snapshot | null, role: string, pidAsked?: number): ControlPlan {
  const name = pidAsked === undefined ? formatRole(role) : `${formatRole(role)} (pid ${pidAsked})`;
  const agent = (snapshot?.agents ?? []).find((entry) => entry.role === role);
  const base = { verb: 'Stop', name: `Stop ${name}`, pending: `Stopping ${name}…`, done: `${name} stopped` };
  if (!agent) return { ...base, confirm: `Stop ${name}? ${AFTER_STOP_TEXT}.` };
  const copy = agent.copies.find((candidate) => candidate.pid === pidAsked) ?? agent.copies[0];
  const pid = pidAsked === undefined ? (copy?.pid ?? agent.pid) : null;
  const copyBytes = copy?.processBytes ?? null;
  const vm = copyBytes === null ? 'its Erlang VM' : `its Erlang VM (${formatBytes(copyBytes)})`;
  const sharers = holding(snapshot?.agents ?? [])
    .filter((entry) => entry.role !== role && sameModel(entry.model, agent.model))
    .map((entry) => formatRole(entry.role));
  // Stopping an agent unloads nothing: Ollama keeps a model until it has been idle for its keep-alive.
  const model =
    agent.memory.modelLoaded !== true
      ? ''
      : sharers.length > 0
        ? `; ${agent.model} stays loaded for ${joinNames(sharers)}`
        : `; Ollama unloads ${agent.model} (${modelMemoryText(snapshot, agent)}) once idle for its keep-alive (5 minutes by default)`;
  return {
    ...base,
    confirm: `Stop ${name}${pid === null ? '' : ` (pid ${pid})`}: frees ${vm}${model}. ${AFTER_STOP_TEXT}.`,
  };
}

function endSessionPlan(snapshot: Snapshot | null, sessionId: string): ControlPlan {
  const sessions = snapshot?.activeSessions ?? [];
  const session = sessions.find((entry) => entry.sessionId === sessionId);
  const base = { verb: 'End session', name: `End session ${sessionId}`, pending: 'Ending…', done: 'Session ended' };
  if (!session || session.agents.length === 0) return { ...base, confirm: `End session ${sessionId}?` };
  // Agents another running session also lists stay; so do models a staying agent uses.
  const elsewhere = new Set(sessions.filter((entry) => entry !== session).flatMap((entry) => entry.agents));
  const leaving = session.agents.filter((role) => !elsewhere.has(role));
  const agents = holding(snapshot?.agents ?? []);
  const staying = new Set(
    agents.filter((agent) => !leaving.includes(agent.role)).map((agent) => normalizeModel(agent.model)),
  );
  const freedModels = new Set(
    agents
      .filter((agent) => leaving.includes(agent.role))
      .map((agent) => normalizeModel(agent.model))
      .filter((model) => !staying.has(model)),
  );
  const freedBytes = [...freedModels].reduce((sum, model) => sum + (modelMemoryBytes(snapshot, model) ?? 0), 0);
  const stops =
    leaving.length === 0 ? 'its agents stay for other sessions' : `stops ${joinNames(leaving.map(formatRole))}`;
  const frees = freedBytes > 0 ? `frees ~${formatBytes(freedBytes)}` : 'frees no memory now';
  return { ...base, confirm: `End ${session.category} session ${sessionId}: ${stops}, ${frees}` };
}

function unloadPlan(snapshot: Snapshot | null, model: string): ControlPlan {
  const resident = residentOf(snapshot, model);
  const users = resident?.usedBy.map(formatRole) ?? [];
  const frees = resident ? `frees ~${formatBytes(resident.sizeBytes)} now` : 'Ollama does not list it as loaded';
  const reload =
    users.length > 0
      ? `; ${joinNames(users)} will load it again on ${users.length === 1 ? 'its' : 'their'} next request`
      : '';
  return {
    verb: 'Unload',
    name: `Unload ${model}`,
    confirm: `Unload ${model}: ${frees}${reload}`,
    pending: `Unloading ${model}…`,
    done: `${model} unloaded`,
  };
}

/** The words for a control, from the snapshot it acts on. */
export function controlPlan(snapshot: Snapshot | null, request: CommandRequest): ControlPlan {
  switch (request.type) {
    case 'stop_agent':
      return stopAgentPlan(snapshot, request.role, request.pid);
    case 'end_session':
      return endSessionPlan(snapshot, request.sessionId);
    case 'unload_model':
      return unloadPlan(snapshot, request.model);
  }
}

/** `Stop CTO…`: a control's name where choosing it asks first, as menus and buttons elsewhere show it. */
export function controlLabel(request: CommandRequest): string {
  return `${controlPlan(null, request).name}…`;
}

/** One key per thing a control acts on, so its state survives the row being redrawn. */
export function controlKey(request: CommandRequest): string {
  switch (request.type) {
    case 'stop_agent':
      return request.pid === undefined ? `stop_agent:${request.role}` : `stop_agent:${request.role}:${request.pid}`;
    case 'end_session':
      return `end_session:${request.sessionId}`;
    case 'unload_model':
      return `unload_model:${request.model}`;
  }
}

/** A failed outcome in one line: "Refused: no such session", "No answer from the delegator within 10 s". */
export function outcomeText(outcome: CommandOutcome): string {
  if (outcome.ok) return 'Done';
  const reason = outcome.error ?? 'no reason given';
  // The other failures' reasons already say what went wrong; a refusal's is the delegator's own words.
  if (outcome.failure === 'refused') return `Refused: ${reason}`;
  return reason.charAt(0).toUpperCase() + reason.slice(1);
}
