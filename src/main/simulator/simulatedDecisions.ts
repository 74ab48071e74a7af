import { echoTimestamp } from './delegatorWriter';
import type { DecisionRow, VoteRow } from './echoRecords';
import type { SeededRandom } from './random';
import { AGENT_ROLES, DECISION_TYPES, ESCALATION_REASONS, FEATURES, LEADERSHIP, VOTE_RATIONALES } from './workCatalog';
import type { Action, WorkHost } from './workHost';

/** At most this many decisions are open at once (pending, or escalated and not yet resolved). */
const MAX_OPEN = 2;
const ESCALATION_CHANCE = 0.12;

interface OpenDecision {
  readonly row: DecisionRow;
  readonly votes: Map<string, VoteRow['vote']>;
}

/** A uuid (version 4), as Ecto's `:binary_id` autogenerates it, from the seeded generator. */
export function seededUuid(random: SeededRandom): string {
  const hex = random.hex(32);
  const variant = '89ab'.charAt(random.int(0, 3));
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Collaborative decisions as ECHO's leadership makes them
 * (`initiate_decision` in apps/ceo/lib/ceo.ex and its kin): a leader opens
 * one (`decisions` row `pending`, `decisions:new`), asks each participant by
 * message and `decisions:vote_required`; participants that run vote
 * (`decision_votes`, a model call each); then it is approved or rejected by
 * the votes (`completed_at`, `decisions:completed`), or escalated
 * (`escalated`, no `completed_at`, an escalation message and
 * `decisions:escalated`) when too few voted, the votes tie, or now and then
 * anyway; an escalated one is approved by the CEO an hour or so later.
 */
export class SimulatedDecisions {
  private open = 0;

  constructor(private readonly host: WorkHost) {}

  /** Every 20 to 60 simulated minutes, a leader that runs opens a decision. */
  start(): void {
    this.host.later(this.host.minutes(20, 60), 'opening a decision', () => {
      this.start();
      return this.planOpen();
    });
  }

  /** A decision opened now, for a first look that shows one; null when no leader runs. */
  planOpen(): Action | null {
    const { host } = this;
    const { random } = host;
    if (!host.writer.tables.decisions || this.open >= MAX_OPEN) return null;
    const leaders = LEADERSHIP.filter((role) => host.isUp(role));
    if (leaders.length === 0) return null;
    const initiator = random.pick(leaders);
    const type = random.pick(DECISION_TYPES);
    const feature = random.pick(FEATURES);
    const row: DecisionRow = {
      id: seededUuid(random),
      type,
      initiator,
      participants: this.participants(initiator),
      mode: 'collaborative',
      context: { subject: feature.name, summary: feature.description, estimated_cost: random.int(2, 60) * 25_000 },
      at: host.clock.now(),
    };
    const decision: OpenDecision = { row, votes: new Map() };
    const asks = row.participants.map((participant) =>
      host.plan({
        from: initiator,
        to: participant,
        type: 'request',
        subject: `Decision Participation Required: ${type}`,
        content: { decision_id: row.id, type, context: row.context },
      }),
    );
    const analysis = host.planModelCall(
      initiator,
      `Analyse this ${type}: ${feature.description}. What are the risks?`,
      'Moderate risk; worth a collaborative vote.',
    );
    this.open += 1;
    return async () => {
      const { records } = host.writer;
      await records.openDecision(row);
      await records.decisionEvent('new', { decision_id: row.id, type, mode: row.mode, initiator }, row.at);
      for (const ask of asks) await host.send(ask);
      await records.decisionEvent(
        'vote_required',
        { decision_id: row.id, type, participants: row.participants },
        row.at,
      );
      await analysis?.();
      host.activity(`${initiator} opened decision ${type} (${row.id}) with ${row.participants.join(', ')}`);
      for (const participant of row.participants) {
        host.later(host.minutes(1, 15), `${participant} voting on ${row.id}`, () =>
          this.planVote(decision, participant),
        );
      }
      host.later(host.minutes(20, 40), `closing decision ${row.id}`, () => this.planClose(decision));
    };
  }

  /** Two or three others, mostly among those that run, so that most decisions get their votes. */
  private participants(initiator: string): string[] {
    const { random } = this.host;
    const chosen: string[] = [];
    const count = random.int(2, 3);
    while (chosen.length < count) {
      const free = AGENT_ROLES.filter((role) => role !== initiator && !chosen.includes(role));
      const running = free.filter((role) => this.host.isUp(role));
      chosen.push(random.pick(running.length > 0 && random.chance(0.75) ? running : free));
    }
    return chosen;
  }

  private planVote(decision: OpenDecision, voter: string): Action | null {
    const { host } = this;
    const { random } = host;
    // An agent that is not running never votes.
    if (!host.isUp(voter) || decision.votes.has(voter)) return null;
    const vote = random.weighted<VoteRow['vote']>([
      ['approve', 60],
      ['reject', 25],
      ['abstain', 15],
    ]);
    const row: VoteRow = {
      decisionId: decision.row.id,
      voter,
      vote,
      rationale: random.pick(VOTE_RATIONALES[vote]),
      confidence: Math.round(random.between(0.55, 0.95) * 100) / 100,
      at: host.clock.now(),
    };
    decision.votes.set(voter, vote);
    const call = host.planModelCall(
      voter,
      `Vote on ${decision.row.type}: ${String(decision.row.context.summary)}`,
      `${vote}: ${row.rationale}`,
    );
    return async () => {
      await host.writer.records.vote(row);
      await call?.();
    };
  }

  private planClose(decision: OpenDecision): Action | null {
    const { host } = this;
    const { random } = host;
    const { row } = decision;
    const votes = [...decision.votes.values()];
    const approve = votes.filter((vote) => vote === 'approve').length;
    const reject = votes.filter((vote) => vote === 'reject').length;
    const enough = votes.length * 2 >= row.participants.length;
    const at = host.clock.now();
    if (!enough || approve === reject || random.chance(ESCALATION_CHANCE)) {
      const reason = !enough
        ? 'Participants did not respond in time'
        : approve === reject
          ? 'No consensus among participants'
          : random.pick(ESCALATION_REASONS);
      const urgency = random.pick(['medium', 'high']);
      // The CEO asks a human, to all; another leader escalates to the CEO.
      const notice = host.plan(
        row.initiator === 'ceo'
          ? {
              from: 'ceo',
              to: 'all',
              type: 'escalation',
              subject: `Human Judgment Required: ${row.id}`,
              content: { decision_id: row.id, reason, urgency },
            }
          : {
              from: row.initiator,
              to: 'ceo',
              type: 'escalation',
              subject: `Technical Decision Escalation: ${row.id}`,
              content: { decision_id: row.id, reason, urgency },
            },
      );
      return async () => {
        await host.writer.records.escalateDecision(
          row.id,
          { escalated_by: row.initiator, reason, urgency, escalated_at: echoTimestamp(at) },
          at,
        );
        await host.writer.records.decisionEvent('escalated', { decision_id: row.id, reason, urgency }, at);
        await host.send(notice);
        host.activity(`decision ${row.type} (${row.id}) escalated: ${reason}`);
        host.later(host.minutes(30, 120), `resolving decision ${row.id}`, () => this.planResolve(decision));
      };
    }
    const status = approve > reject ? 'approved' : 'rejected';
    const outcome = {
      decided_by: row.initiator,
      votes: { approve, reject, abstain: votes.length - approve - reject },
      decided_at: echoTimestamp(at),
    };
    const notices =
      status === 'approved'
        ? row.participants.map((participant) =>
            host.plan({
              from: row.initiator,
              to: participant,
              type: 'notification',
              subject: `Decision Approved: ${row.type}`,
              content: { decision_id: row.id, outcome },
            }),
          )
        : [];
    this.open -= 1;
    return async () => {
      await host.writer.records.completeDecision(
        row.id,
        status,
        Math.round((Math.max(approve, reject) / votes.length) * 100) / 100,
        outcome,
        at,
      );
      await host.writer.records.decisionEvent('completed', { decision_id: row.id, status }, at);
      for (const notice of notices) await host.send(notice);
      host.activity(`decision ${row.type} (${row.id}) ${status}, ${String(approve)} for and ${String(reject)} against`);
    };
  }

  /** A person answers the escalation, and the CEO approves it (`approve_decision`). */
  private planResolve(decision: OpenDecision): Action {
    const { host } = this;
    const { row } = decision;
    const at = host.clock.now();
    const outcome = {
      approved_by: 'ceo',
      rationale: 'Approved after human review',
      conditions: [],
      approved_at: echoTimestamp(at),
    };
    this.open -= 1;
    return async () => {
      await host.writer.records.completeDecision(row.id, 'approved', null, outcome, at);
      await host.writer.records.decisionEvent('completed', { decision_id: row.id, status: 'approved' }, at);
      host.activity(`decision ${row.type} (${row.id}) approved after human review`);
    };
  }
}
