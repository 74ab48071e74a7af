import type { Clock } from '../core/time';
import type { MessageDraft, PlannedMessage } from './echoMessages';
import type { SeededRandom } from './random';
import type { WorkWriter } from './workWriter';

/** The writes of one step, tried again as a whole until they succeed: each must be safe to send twice. */
export type Action = () => Promise<void>;

/**
 * What the decisions, workflows and flows (`WorkLifecycles`) are given by the
 * agents' work they are part of. Randomness is drawn when a step is planned,
 * never in its action, so an action tried again writes the same values.
 */
export interface WorkHost {
  readonly writer: WorkWriter;
  readonly random: SeededRandom;
  readonly clock: Clock;
  /** Between `min` and `max` simulated minutes, drawn, as real milliseconds at the simulator's speed. */
  minutes(min: number, max: number): number;
  /**
   * In `ms`: `plan` draws what the step will write and returns its action
   * (null for nothing), which then runs in turn with every other step and
   * is tried until done. Nothing runs once the simulator has stopped.
   */
  later(ms: number, what: string, plan: () => Action | null): void;
  /** A message with its stamp and publish id drawn now, to send in an action. */
  plan(draft: MessageDraft): PlannedMessage;
  /**
   * Stores and publishes a planned message, and has its recipient read it in a while if it is an agent; the row's id.
   */
  send(message: PlannedMessage): Promise<number>;
  /**
   * One model call by the role, planned now: the action upserts its `llm_sessions` row (null where there is no such
   * table).
   */
  planModelCall(role: string, question: string, response: string): Action | null;
  /** The roles whose agent runs now. */
  upRoles(): readonly string[];
  isUp(role: string): boolean;
  activity(line: string): void;
}
