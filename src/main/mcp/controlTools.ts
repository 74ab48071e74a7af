import { z } from 'zod';
import {
  commandOutcomeSchema,
  commandRequestSchema,
  type CommandOutcome,
  type CommandRequest,
} from '../../shared/commands';
import { errorText } from '../../shared/errorText';
import { escapeControls } from '../../shared/terminalText';
import type { MonitorService } from '../monitor/monitorService';
import { Unavailable } from '../monitor/unavailable';
import { refusal } from './toolAnswers';
import { defineTool, DESTRUCTIVE, type Tool } from './toolDefinition';

type RequestType = CommandRequest['type'];

interface ControlSpec {
  readonly type: RequestType;
  readonly title: string;
  readonly description: string;
  /** What a model should know of each field of the dashboard's request, by name. */
  readonly fields: Readonly<Record<string, string>>;
  /** `stop cto`: what the request asks, for the answer's words. */
  readonly attempt: (request: CommandRequest) => string;
}

/**
 * The tool's arguments: the fields of the dashboard's own request of this
 * type, as `commandRequestSchema` checks them, but its `type`, which the
 * tool's name gives. Strict, as the request is: an argument it does not
 * know is refused, never dropped.
 */
function requestFields(spec: ControlSpec): z.ZodType<Record<string, unknown>> {
  const option = commandRequestSchema.options.find((candidate) => candidate.shape.type.value === spec.type);
  if (option === undefined) throw new Error(`no command request of type ${spec.type}`);
  const fields = Object.entries<z.ZodType>(option.shape)
    .filter(([name]) => name !== 'type')
    .map(([name, field]) => {
      const note = spec.fields[name];
      return [name, note === undefined ? field : field.describe(note)] as const;
    });
  return z.strictObject(Object.fromEntries(fields));
}

function spoken(outcome: CommandOutcome, attempt: string): string {
  return outcome.ok
    ? `Done: ${attempt}.`
    : `Could not ${attempt}: ${escapeControls(outcome.error ?? 'no reason given')}`;
}

function controlTool(spec: ControlSpec, service: Pick<MonitorService, 'sendCommand'>): Tool {
  return defineTool({
    name: spec.type,
    title: spec.title,
    description: spec.description,
    input: requestFields(spec),
    output: commandOutcomeSchema,
    annotations: DESTRUCTIVE,
    async run(args) {
      // The dashboard's request, checked by the dashboard's schema: the same request meets the same checks.
      const request = commandRequestSchema.parse({ ...args, type: spec.type });
      const attempt = escapeControls(spec.attempt(request));
      let outcome: CommandOutcome;
      try {
        outcome = await service.sendCommand(request);
      } catch (error) {
        // What this monitor cannot do at all (no registry, Ollama off): said as the web host says it, with its reason.
        if (error instanceof Unavailable) return refusal(`Could not ${attempt}: ${errorText(error)}`);
        throw error;
      }
      // A command not done is an error for the model: it must not report the agent stopped.
      return outcome.ok
        ? { content: [{ type: 'text', text: spoken(outcome, attempt) }], structuredContent: { ...outcome } }
        : refusal(spoken(outcome, attempt), { ...outcome });
    },
  });
}

const CONTROLS: readonly ControlSpec[] = [
  {
    type: 'stop_agent',
    title: 'Stop an agent',
    description:
      "Stops one of ECHO's agents: its Erlang VM on this machine, never a wrapper, another user's process or another ECHO root's; where no process of it runs here, a delegator that answers the monitor's registry is asked instead. The dashboard's Stop, with its checks: the pid must be a copy of that role that the monitor found, one Stop of a role at a time, at most ten in ten seconds. ECHO keeps the role registered until its delegator restarts. It ends the agent's work in progress: ask the user first.",
    fields: {
      role: 'The role, as ECHO names it (`cto`, `senior_developer`): see `agents`',
      pid: 'Which copy, where the role runs more than once on this machine: a pid from `agents`',
    },
    attempt: (request) => (request.type === 'stop_agent' ? `stop ${request.role}` : request.type),
  },
  {
    type: 'unload_model',
    title: 'Unload a model',
    description:
      'Asks Ollama to unload a model now, freeing its memory, and confirms it left. An agent that uses it loads it again on its next call, which is slow. Ask the user first.',
    fields: { model: 'The model as Ollama names it (`deepseek-coder:6.7b`); a bare name means its :latest tag' },
    attempt: (request) => (request.type === 'unload_model' ? `unload ${request.model}` : request.type),
  },
  {
    type: 'end_session',
    title: 'End a session',
    description:
      "Asks a delegator that answers the monitor's registry protocol (over Redis) to end a session, and waits for its answer. ECHO's own delegator offers no way to end a session from outside: without the registry, this is refused. Ask the user first.",
    fields: { sessionId: 'The session id, as `sessions` or `history` give it' },
    attempt: (request) => (request.type === 'end_session' ? `end session ${request.sessionId}` : request.type),
  },
];

/** The controls, offered only when the server was started to allow them. */
export function controlTools(service: Pick<MonitorService, 'sendCommand'>): Tool[] {
  return CONTROLS.map((spec) => controlTool(spec, service));
}
