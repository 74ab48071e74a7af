import type { CommandOutcome } from '../../shared/commands';
import { escapeControls, escapeJsonControls } from '../../shared/terminalText';
import { CONTROL_EXIT, type ExitCode } from './exitCodes';
import type { CliIo } from './output';

export interface ControlOptions {
  readonly json: boolean;
}

/**
 * What a control says about itself: the line when it worked, and what it was
 * trying to do when it did not. Whatever it names from outside (a session id,
 * a role, a model) is escaped already, with `escapeControls`.
 */
export interface ControlWording {
  readonly done: string;
  readonly attempt: string;
  /** Who refuses when a refusal comes back without naming itself ("the delegator"). */
  readonly refuser?: string;
}

/** Exactly the keys scripts rely on: `failure` stays inside, the exit code carries it. */
function publicOutcome(outcome: CommandOutcome): Pick<CommandOutcome, 'ok' | 'id' | 'error'> {
  return {
    ok: outcome.ok,
    id: outcome.id,
    ...(outcome.ok || outcome.error === undefined ? {} : { error: outcome.error }),
  };
}

export function controlExitCode(outcome: CommandOutcome): ExitCode {
  if (outcome.ok) return CONTROL_EXIT.done;
  return outcome.failure === 'refused' ? CONTROL_EXIT.refused : CONTROL_EXIT.notDone;
}

/** Prints one line (or the JSON outcome) and returns the exit code. */
export function reportOutcome(
  outcome: CommandOutcome,
  wording: ControlWording,
  options: ControlOptions,
  io: CliIo,
): ExitCode {
  if (options.json) {
    io.out(`${escapeJsonControls(JSON.stringify(publicOutcome(outcome)))}\n`);
  } else if (outcome.ok) {
    io.out(`${wording.done}\n`);
  } else {
    // The delegator's or Ollama's own words, or a server's error: text from outside.
    const reason = escapeControls(outcome.error ?? 'no reason given');
    const said =
      outcome.failure === 'refused' && wording.refuser !== undefined ? `${wording.refuser} refused: ${reason}` : reason;
    io.err(`Could not ${wording.attempt}: ${said}\n`);
  }
  return controlExitCode(outcome);
}
