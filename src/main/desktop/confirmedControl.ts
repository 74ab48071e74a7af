import type { CommandOutcome, CommandRequest } from '../../shared/commands';
import { controlPlan, outcomeText, type ControlPlan } from '../../shared/controlPlan';
import type { Snapshot } from '../../shared/model';
import { errorText } from '../../shared/errorText';

/**
 * What the desktop host lends a control chosen outside the dashboard: a native question, the command path, and a
 * notice.
 */
export interface ControlHost {
  readonly latestSnapshot: () => Snapshot | null;
  /** True when the user confirms. */
  readonly ask: (plan: ControlPlan) => Promise<boolean>;
  readonly send: (request: CommandRequest) => Promise<CommandOutcome>;
  readonly tell: (title: string, body: string) => void;
}

/**
 * Runs a control chosen from the tray or a notification button: asks, with
 * what it frees as of now, sends only on a yes, and says how it went.
 * Returns the outcome, or null when the user said no.
 */
export async function runConfirmedControl(host: ControlHost, request: CommandRequest): Promise<CommandOutcome | null> {
  const plan = controlPlan(host.latestSnapshot(), request);
  if (!(await host.ask(plan))) return null;
  let outcome: CommandOutcome;
  try {
    outcome = await host.send(request);
  } catch (error) {
    outcome = { ok: false, id: '', failure: 'not_sent', error: errorText(error) };
  }
  if (outcome.ok) host.tell(plan.done, '');
  else host.tell(`${plan.name}: not done`, outcomeText(outcome));
  return outcome;
}
