import { randomUUID } from 'node:crypto';
import type { CommandOutcome, DelegatorRequest } from '../../shared/commands';
import { AFTER_STOP_TEXT } from '../../shared/controlPlan';
import { escapeControls } from '../../shared/terminalText';
import type { MonitorConfig } from '../config';
import { chooseStopTarget, type StopChoice } from '../core/stopTarget';
import { errorText } from '../../shared/errorText';
import { AgentProcessScanner } from '../sources/processes/agentProcessScanner';
import { stopScannedAgent, type StopAgentResult } from '../sources/processes/stopAgentProcess';
import { reportOutcome, type ControlWording } from './controlOutcome';
import { notSent, sendToDelegator, type DelegatorCommandOptions } from './delegatorCommand';
import type { ExitCode } from './exitCodes';
import { takeOneSnapshot } from './oneSnapshot';
import type { CliIo } from './output';

/**
 * stop-agent: as the dashboard's Stop, it signals the agent's Erlang VM on
 * this machine (the copy named by --pid where the role runs more than once)
 * and waits for it to exit. Only where no process of it runs here does a
 * delegator that answers the registry get the command.
 * Exit 0 stopped, 1 refused, 2 not stopped or not sent.
 */
export async function stopAgentCommand(
  config: MonitorConfig,
  options: DelegatorCommandOptions,
  io: CliIo,
): Promise<ExitCode> {
  const request = options.request as Extract<DelegatorRequest, { type: 'stop_agent' }>;
  const role = escapeControls(request.role);
  const wording = (done: string): ControlWording => ({ done, attempt: `stop ${role}`, refuser: 'the delegator' });
  const refused = wording('');
  const choice: StopChoice =
    config.agentProcesses === null
      ? { kind: 'none', reason: 'this monitor looks at no process (MONITOR_AGENT_PROCESSES=off)' }
      : chooseStopTarget(await takeOneSnapshot(config, io), request);
  if (choice.kind === 'refused') return reportOutcome(notSent(choice.reason), refused, options, io);
  if (choice.kind === 'none') {
    const outcome =
      config.registryMode === 'sessions'
        ? notSent(`${choice.reason}, and ECHO offers no other way to stop it`)
        : await sendToDelegator(config, { type: 'stop_agent', role: request.role }, options.timeoutSeconds * 1000);
    return reportOutcome(outcome, wording(`Stopped ${role}.`), options, io);
  }
  const stopped = await stopScanned(
    config,
    { pid: choice.pid, role: request.role, root: choice.root },
    options.timeoutSeconds * 1000,
  );
  const outcome: CommandOutcome = stopped.ok
    ? { ok: true, id: randomUUID() }
    : { ok: false, id: randomUUID(), failure: stopped.failure, error: stopped.error };
  return reportOutcome(outcome, wording(`Stopped ${role} (pid ${choice.pid}). ${AFTER_STOP_TEXT}.`), options, io);
}

/**
 * Signals only a pid this machine's scan finds as the role's VM, with the
 * start the scan measured: the one-shot snapshot's own scanner is gone with
 * it, so the command scans once more (a listing of /proc: some milliseconds).
 */
async function stopScanned(
  config: MonitorConfig,
  target: { pid: number; role: string; root: string },
  timeoutMs: number,
): Promise<StopAgentResult> {
  const settings = config.agentProcesses;
  if (settings === null)
    return { ok: false, failure: 'not_sent', error: 'this monitor looks at no process (MONITOR_AGENT_PROCESSES=off)' };
  const scanner = new AgentProcessScanner(settings);
  try {
    await scanner.scan();
  } catch (error) {
    return { ok: false, failure: 'not_sent', error: `could not look at this machine's processes: ${errorText(error)}` };
  }
  return stopScannedAgent(target, scanner, { timeoutMs, extraVmExecutables: settings.extraVmExecutables });
}
