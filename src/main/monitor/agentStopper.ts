import { randomUUID } from 'node:crypto';
import type { CommandOutcome, CommandRequest } from '../../shared/commands';
import { StopLimiter } from '../core/stopLimiter';
import { chooseStopTarget } from '../core/stopTarget';
import type { StopAgentResult, StopTarget } from '../sources/processes/stopAgentProcess';
import type { CommandBus } from '../sources/redis/commandBus';
import type { Monitor } from './monitor';
import { Unavailable } from './unavailable';

type StopRequest = Extract<CommandRequest, { type: 'stop_agent' }>;

export interface AgentStopperParts {
  readonly monitor: Monitor;
  /** Null without a registry: a delegator that answers it gets a Stop only where no process of the agent runs here. */
  readonly commands: CommandBus | null;
  /** Null where processes are not looked at (MONITOR_AGENT_PROCESSES=off). */
  readonly stopProcess: ((target: StopTarget) => Promise<StopAgentResult>) | null;
  readonly clock: () => number;
}

/** The service's Stop: which process, whether it may be signalled now, and what the monitor shows after. */
export function agentStopper(parts: AgentStopperParts): (request: StopRequest) => Promise<CommandOutcome> {
  const { monitor, commands, stopProcess, clock } = parts;
  // One Stop of a role at a time, and at most ten in any ten seconds: a page or a script asking in a loop is refused at
  // once.
  const stopLimiter = new StopLimiter(clock);
  /**
   * ECHO's delegator hears no commands and never learns that an agent exited.
   * So Stop signals the agent's own Erlang VM on this machine; only where no
   * process of it runs here does a delegator that answers our registry get it.
   */
  const stopAgent = async (request: StopRequest): Promise<CommandOutcome> => {
    const slot = stopLimiter.begin(request.role);
    if (!slot.ok) return { ok: false, id: randomUUID(), failure: 'not_sent', error: slot.reason };
    try {
      return await stopChosen(request);
    } finally {
      slot.end();
    }
  };
  const stopChosen = async (request: StopRequest): Promise<CommandOutcome> => {
    const choice = chooseStopTarget(monitor.current(), request);
    const id = randomUUID();
    if (choice.kind === 'refused') return { ok: false, id, failure: 'not_sent', error: choice.reason };
    if (choice.kind === 'none' || stopProcess === null) {
      if (commands !== null) return commands.send(request);
      const reason =
        choice.kind === 'none'
          ? choice.reason
          : 'this monitor does not look at processes (MONITOR_AGENT_PROCESSES=off)';
      throw new Unavailable(`stopping ${request.role} needs its process on this machine: ${reason}`);
    }
    const stopped = await stopProcess({ pid: choice.pid, role: request.role, root: choice.root });
    if (!stopped.ok) return { ok: false, id, failure: stopped.failure, error: stopped.error };
    // ECHO never writes `stopped`: its fresh heartbeat is the stopped agent's last, not a sign of life.
    monitor.noteStopped(request.role);
    await monitor.pollNow().catch(() => undefined);
    return { ok: true, id };
  };
  return stopAgent;
}
