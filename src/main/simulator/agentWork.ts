import type { EchoContext } from './simulatedEcho';
import type { Clock, Timers } from '../core/time';
import { echoTimestamp } from './delegatorWriter';
import { planChatter, planDelegation } from './delegatorMessages';
import type { MessageDraft, PlannedMessage, UnreadMessage } from './echoMessages';
import { LLM_IDLE_MS, LlmConversations } from './llmConversations';
import type { SeededRandom } from './random';
import { MINUTE, scaled } from './simulatedEcho';
import { SimulatedDecisions } from './simulatedDecisions';
import { SimulatedExecutions } from './simulatedExecutions';
import type { Steps } from './steps';
import { AGENT_ROLES, PARTICIPATION, processingError } from './workCatalog';
import type { Action, WorkHost } from './workHost';
import type { WorkWriter } from './workWriter';

export interface AgentWorkOptions {
  readonly writer: WorkWriter;
  readonly steps: Steps;
  readonly random: SeededRandom;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly speed: number;
  /** The roles whose agent runs now: only they read, answer, vote and open decisions. */
  readonly upRoles: () => readonly string[];
  readonly isRunning: () => boolean;
  readonly onActivity?: ((line: string) => void) | undefined;
}

/** What an agent starting up reads of its backlog at once (`fetch_unread_messages`). */
const CATCH_UP_LIMIT = 20;
const FAILURE_CHANCE = 0.07;
const ANSWER_CHANCE = 0.65;
const AGENTS = new Set(AGENT_ROLES);

/**
 * What ECHO's agents do besides beating, as ECHO's code records it: the
 * delegator hands the running agents tasks (`messages` from `delegator`,
 * type `request`); each agent reads its messages a while later (`read`,
 * `processed_at`), fails some (`processing_error`), answers requests with a
 * model call (its `llm_sessions` row) and a `response`, and messages the
 * others; decisions, workflows and flows run alongside. Every write is a
 * step of the simulator's one chain, planned when its time comes and tried
 * until done; an agent that is not running reads nothing, and catches up on
 * its backlog when it starts. Rates are in simulated time.
 */
/**
 * The work of a simulated ECHO's agents, where its context writes any; `upRoles` and `isRunning` are the mode's own.
 */
export function agentWorkFor(
  context: EchoContext,
  steps: Steps,
  upRoles: () => readonly string[],
  isRunning: () => boolean,
): AgentWork | null {
  if (!context.work) return null;
  return new AgentWork({
    writer: context.work,
    steps,
    random: context.workRandom,
    clock: context.clock,
    timers: context.timers,
    speed: context.speed,
    upRoles,
    isRunning,
    onActivity: context.onActivity,
  });
}

export class AgentWork implements WorkHost {
  readonly writer: WorkWriter;
  readonly random: SeededRandom;
  readonly clock: Clock;
  private readonly timers = new Set<unknown>();
  /** Messages whose reading is planned, so a catch-up never plans one twice. */
  private readonly reading = new Set<number>();
  private readonly conversations: LlmConversations;
  private readonly decisions: SimulatedDecisions;
  private readonly executions: SimulatedExecutions;
  private lastMicros = 0;

  constructor(private readonly options: AgentWorkOptions) {
    this.writer = options.writer;
    this.random = options.random;
    this.clock = options.clock;
    this.conversations = new LlmConversations(options.random);
    this.decisions = new SimulatedDecisions(this);
    this.executions = new SimulatedExecutions(this);
  }

  start(): void {
    this.every(2, 10, 'delegating a task', () => planDelegation(this));
    this.every(4, 15, 'an agent messaging another', () => planChatter(this));
    // ECHO's own cleanup of idle sessions, every 15 minutes.
    this.every(15, 15, 'forgetting idle llm sessions', () =>
      this.writer.tables.llmSessions
        ? () => this.writer.records.forgetIdleLlmSessions(this.clock.now() - LLM_IDLE_MS)
        : null,
    );
    this.decisions.start();
    this.executions.start();
    this.executions.startFlows();
  }

  /**
   * Work under way at once, for a first look that shows it: a task delegated, a decision open, a workflow and a flow
   * running.
   */
  async warm(): Promise<void> {
    const plans = [
      planDelegation(this),
      this.decisions.planOpen(),
      this.executions.planWorkflow(),
      this.executions.planFlow(),
    ];
    for (const action of plans) if (action) await this.options.steps.persist('starting work', action);
  }

  /** The agent has started: it reads what waits for it, as ECHO's agents catch up at their start. */
  agentUp(role: string): void {
    if (!this.writer.tables.messages || !this.options.isRunning()) return;
    this.options.steps.persist(`${role} catching up on its messages`, () => this.catchUp(role)).catch(() => undefined);
  }

  stop(): void {
    for (const handle of this.timers) this.options.timers.clearTimeout(handle);
    this.timers.clear();
  }

  minutes(min: number, max: number): number {
    return scaled(this.random.between(min, max) * MINUTE, this.options.speed);
  }

  later(ms: number, what: string, plan: () => Action | null): void {
    const handle = this.options.timers.setTimeout(() => {
      this.timers.delete(handle);
      if (!this.options.isRunning()) return;
      const action = plan();
      if (action) this.options.steps.persist(what, action).catch(() => undefined);
    }, ms);
    this.timers.add(handle);
  }

  plan(draft: MessageDraft): PlannedMessage {
    // Each message's microseconds its own: ECHO's stored timestamp is what finds a row sent twice.
    this.lastMicros = Math.max(Math.floor(this.clock.now() * 1000), this.lastMicros + 1);
    return {
      ...draft,
      subject: draft.subject.slice(0, 255),
      at: this.lastMicros / 1000,
      publishId: `msg_${this.random.hex(16)}`,
    };
  }

  async send(message: PlannedMessage): Promise<number> {
    const id = await this.writer.messages.send(message);
    this.expectReading({ id, from: message.from, to: message.to, type: message.type, subject: message.subject });
    return id;
  }

  planModelCall(role: string, question: string, response: string): Action | null {
    if (!this.writer.tables.llmSessions) return null;
    const row = this.conversations.call(role, question, response, this.clock.now());
    return () => this.writer.records.saveLlmSession(row);
  }

  upRoles(): readonly string[] {
    return this.options.upRoles();
  }

  isUp(role: string): boolean {
    return this.options.upRoles().includes(role);
  }

  activity(line: string): void {
    this.options.onActivity?.(line);
  }

  /** Plans the next one in `min` to `max` simulated minutes, for as long as the simulator runs. */
  private every(min: number, max: number, what: string, plan: () => Action | null): void {
    this.later(this.minutes(min, max), what, () => {
      this.every(min, max, what, plan);
      return plan();
    });
  }

  /**
   * An agent's message, and a broadcast, is read a while after it is sent; one nobody ECHO runs reads (the delegator's)
   * stays unread.
   */
  private expectReading(message: UnreadMessage): void {
    if ((!AGENTS.has(message.to) && message.to !== 'all') || this.reading.has(message.id)) return;
    this.reading.add(message.id);
    this.later(this.minutes(0.1, 3), `reading message ${String(message.id)}`, () => this.planReading(message));
  }

  /** Its backlog, a batch at a time, so a long one is read over a while rather than planned all at once. */
  private async catchUp(role: string): Promise<void> {
    if (!this.isUp(role)) return;
    let at = 0;
    const unread = await this.writer.messages.unreadFor(role, CATCH_UP_LIMIT);
    for (const message of unread) {
      if (this.reading.has(message.id)) continue;
      this.reading.add(message.id);
      at += this.minutes(0.05, 0.5);
      this.later(at, `${role} catching up on message ${String(message.id)}`, () => this.planReading(message));
    }
    if (unread.length === CATCH_UP_LIMIT)
      this.later(at + this.minutes(0.5, 1), `${role} catching up on its messages`, () => () => this.catchUp(role));
  }

  /**
   * `mark_message_processed`, or `mark_message_failed` with the error; a
   * request is answered now and then, after a model call. A message whose
   * reader is not running stays unread, to be caught up on at its start.
   */
  private planReading(message: UnreadMessage): Action | null {
    const { random, writer } = this;
    const readers = message.to === 'all' ? this.upRoles().filter((role) => role !== message.from) : [message.to];
    const reader = readers.length > 0 ? random.pick(readers) : undefined;
    if (reader === undefined || !this.isUp(reader)) {
      this.reading.delete(message.id);
      return null;
    }
    const at = this.clock.now();
    const error = random.chance(FAILURE_CHANCE) ? processingError(random, reader) : null;
    const asked = error === null && message.type === 'request' && message.from !== reader;
    const [participation, words] = random.pick(PARTICIPATION);
    const call = asked ? this.planModelCall(reader, message.subject, words) : null;
    const answer =
      asked && random.chance(ANSWER_CHANCE)
        ? this.plan({
            from: reader,
            to: message.from,
            type: 'response',
            subject: `Re: ${message.subject}`,
            content: { content: words, participation_type: participation, timestamp: echoTimestamp(at) },
          })
        : null;
    return async () => {
      if (!writer.tables.acknowledgements) await writer.messages.markRead(message.id);
      else if (error === null) await writer.messages.markProcessed(message.id, at);
      else await writer.messages.markFailed(message.id, error, at);
      await call?.();
      if (answer) await this.send(answer);
      this.reading.delete(message.id);
      if (error !== null)
        this.activity(`${reader} failed message ${String(message.id)} (${message.subject}): ${error}`);
    };
  }
}
