import { describe, expect, it } from 'vitest';
import type { EchoWorkData } from '../../src/main/core/echoWork';
import { viewEchoWork } from '../../src/main/core/echoWorkView';
import { workWarnings } from '../../src/main/core/workWarnings';
import { statusText } from '../../src/main/cli/statusText';
import { ok, postgresData, registryData } from '../support/readings';
import { snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T14:30:00Z');
const minutesAgo = (minutes: number): number => NOW - minutes * 60_000;

/**
 * Shaped as ECHO writes its rows: MessageBus.publish_message (message_bus.ex), Decision and LLM.Session (echo_shared).
 */
function work(overrides: Partial<EchoWorkData> = {}): EchoWorkData {
  return {
    tables: { messages: true, decisions: true, llmSessions: true, workflows: true, flows: true },
    agents: [
      {
        role: 'senior_developer',
        tasksToday: 5,
        tasksLastHour: 2,
        backlog: 3,
        waiting: [
          {
            id: 11,
            from: 'delegator',
            to: 'senior_developer',
            type: 'request',
            subject: 'Implement password reset',
            at: minutesAgo(12),
          },
        ],
        failures: [
          {
            id: 9,
            from: 'cto',
            to: 'senior_developer',
            type: 'request',
            subject: 'Refactor auth',
            at: minutesAgo(40),
            error: 'timeout calling ollama',
          },
        ],
        failuresTotal: 1,
        lastSent: {
          id: 14,
          from: 'senior_developer',
          to: 'test_lead',
          type: 'notification',
          subject: 'Ready for tests',
          at: minutesAgo(2),
        },
        llm: { lastQueryAt: minutesAgo(1), turnsToday: 4, tokensToday: 1800 },
      },
    ],
    openDecisions: [
      {
        id: 'd-1',
        type: 'budget_approval',
        initiator: 'ceo',
        participants: ['cto', 'chro', 'operations_head'],
        mode: 'collaborative',
        status: 'pending',
        votes: 1,
        insertedAt: minutesAgo(20),
      },
      {
        id: 'd-2',
        type: 'hiring',
        initiator: 'chro',
        participants: [],
        mode: 'autonomous',
        status: 'pending',
        votes: 0,
        insertedAt: minutesAgo(3),
      },
    ],
    openDecisionsTotal: 2,
    workflows: [
      {
        kind: 'workflow',
        id: 'w-1',
        name: 'feature_development',
        status: 'failed',
        pauseReason: null,
        error: 'step 3 raised',
        insertedAt: minutesAgo(90),
        updatedAt: minutesAgo(60),
      },
      {
        kind: 'flow',
        id: 'f-1',
        name: 'Elixir.EchoShared.Flows.Hiring',
        status: 'paused',
        pauseReason: 'awaiting approval',
        error: null,
        insertedAt: minutesAgo(70),
        updatedAt: minutesAgo(45),
      },
      {
        kind: 'workflow',
        id: 'w-2',
        name: 'release',
        status: 'paused',
        pauseReason: 'manual gate',
        error: null,
        insertedAt: minutesAgo(10),
        updatedAt: minutesAgo(5),
      },
    ],
    workflowsTotal: 3,
    latestMessages: [
      {
        id: 14,
        from: 'senior_developer',
        to: 'test_lead',
        type: 'notification',
        subject: 'Ready for tests',
        at: minutesAgo(2),
      },
    ],
    tasksPerDay: [{ date: '2026-11-24', count: 5 }],
    ...overrides,
  };
}

describe("ECHO's work as the views show it", () => {
  it('gives ages from the snapshot and when a quiet agent loses its model', () => {
    const view = viewEchoWork(work(), NOW);
    expect(view.agents[0]).toMatchObject({
      backlog: 3,
      waiting: [{ id: 11, at: '2026-11-24T14:18:00.000Z', ageSeconds: 720 }],
      failures: [{ error: 'timeout calling ollama', ageSeconds: 2400 }],
      lastSent: { ageSeconds: 120 },
      // Called a minute ago: Ollama's default keep-alive of 5 minutes leaves 4.
      llm: { turnsToday: 4, tokensToday: 1800, quietUnloadInSeconds: 240 },
    });
    expect(view.openDecisions[0]).toMatchObject({ ageSeconds: 1200, votes: 1 });
    expect(view.workflows[1]).toMatchObject({ idleSeconds: 2700, pauseReason: 'awaiting approval' });
  });

  it('never counts a keep-alive below 0', () => {
    const quiet = work();
    const agent = quiet.agents[0];
    if (!agent?.llm) throw new Error('fixture');
    const view = viewEchoWork(
      { ...quiet, agents: [{ ...agent, llm: { ...agent.llm, lastQueryAt: minutesAgo(30) } }] },
      NOW,
    );
    expect(view.agents[0]?.llm?.quietUnloadInSeconds).toBe(0);
  });
});

describe('warnings from ECHO’s work', () => {
  it('names a backlog, a decision kept waiting, a failed workflow and one paused long, and nothing younger', () => {
    const warnings = workWarnings(viewEchoWork(work(), NOW));
    expect(warnings.map((warning) => [warning.kind, warning.message])).toEqual([
      [
        'agent-backlog',
        'Senior Developer has 3 tasks waiting, oldest 12m 0s ("Implement password reset" from Delegator): it may not be running, or not keeping up.',
      ],
      [
        'decision-waiting',
        'Decision budget_approval (d-1) opened by CEO is pending after 20m 0s, with 1 vote of 3 participants.',
      ],
      ['workflow-failed', 'Workflow feature_development (w-1) failed: step 3 raised'],
      ['workflow-paused', 'Flow Elixir.EchoShared.Flows.Hiring (f-1) has been paused for 45m 0s: awaiting approval'],
    ]);
  });

  it("leaves out the delegator's unread messages, which ECHO's delegator never marks read", () => {
    const [developer] = work().agents;
    const [task] = developer?.waiting ?? [];
    if (!developer || !task) throw new Error('fixture');
    const answered = {
      ...developer,
      role: 'delegator',
      waiting: [{ ...task, id: 40, from: 'cto', to: 'delegator', subject: 'Re: Review', at: minutesAgo(60 * 24 * 29) }],
    };
    const warnings = workWarnings(viewEchoWork(work({ agents: [answered] }), NOW));
    expect(warnings.map((warning) => warning.kind)).not.toContain('agent-backlog');
  });

  it('says nothing when there is nothing to read', () => {
    expect(workWarnings(null)).toEqual([]);
  });

  it('are raised by the pipeline only from a fresh read', () => {
    const fresh = snapshotAt(NOW, { postgres: ok(postgresData(undefined, { work: work() })) });
    expect(fresh.work?.openDecisionsTotal).toBe(2);
    expect(fresh.warnings.map((warning) => warning.kind)).toContain('agent-backlog');
  });
});

describe('ECHO’s work in `status`', () => {
  const where = { postgres: 'db', registry: 'redis', ollama: 'ollama' };

  it('prints the open decisions, the workflows and the latest messages, newest first, in local time', () => {
    const latestMessages = [
      { id: 15, from: 'delegator', to: 'ceo', type: 'request', subject: 'Plan the quarter', at: minutesAgo(1) },
      {
        id: 14,
        from: 'senior_developer',
        to: 'test_lead',
        type: 'notification',
        subject: 'Ready for tests',
        at: minutesAgo(2),
      },
      { id: 13, from: 'ceo', to: 'all', type: 'notification', subject: '  ', at: minutesAgo(3) },
    ];
    const text = statusText(
      snapshotAt(NOW, { postgres: ok(postgresData(undefined, { work: work({ latestMessages }) })) }),
      where,
    );
    const lines = text.split('\n');
    const from = lines.findIndex((line) => line.startsWith('ECHO WORK'));
    expect(lines.slice(from, from + 13)).toEqual([
      'ECHO WORK   2 open decisions · 3 workflows',
      '  KIND       NAME                             BY     VOTES   OPEN     STATUS',
      '  decision   budget_approval                  CEO    1       20m 0s   pending',
      '  decision   hiring                           CHRO   0       3m 0s    pending',
      '  workflow   feature_development                                      failed: step 3 raised',
      '  flow       Elixir.EchoShared.Flows.Hiring                           paused (awaiting approval)',
      '  workflow   release                                                  paused (manual gate)',
      '',
      'LATEST      messages, newest first',
      '  TIME       FROM               TO           TYPE           SUBJECT',
      '  14:29:00   Delegator          CEO          request        Plan the quarter',
      '  14:28:00   Senior Developer   Test Lead    notification   Ready for tests',
      '  14:27:00   CEO                all agents   notification   (no subject)',
    ]);
  });

  it('escapes what ECHO’s rows carry before it reaches the terminal', () => {
    const latestMessages = [
      {
        id: 15,
        from: 'delegator',
        to: 'ceo',
        type: 'request',
        subject: 'Plan\u001b[2J the quarter',
        at: minutesAgo(1),
      },
    ];
    const text = statusText(
      snapshotAt(NOW, { postgres: ok(postgresData(undefined, { work: work({ latestMessages }) })) }),
      where,
    );
    expect(text).toMatch(/^ {2}14:29:00 {3}Delegator {3}CEO {3}request {3}Plan\\x1b\[2J the quarter$/m);
    expect(text).not.toContain('\u001b');
  });
});

describe('agents from their channel subscriptions', () => {
  it('lists a subscribed agent as running elsewhere, with no warning for its missing process', () => {
    const snapshot = snapshotAt(NOW, {
      registry: ok(registryData([])),
      subscribers: ok(
        new Map([
          ['cto', 1],
          ['ceo', 0],
        ]),
      ),
    });
    const cto = snapshot.agents?.find((agent) => agent.role === 'cto');
    expect(cto).toMatchObject({ origins: ['subscription'], subscribers: 1, copies: [] });
    expect(snapshot.agents?.some((agent) => agent.role === 'ceo')).toBe(false);
    expect(snapshot.warnings.filter((warning) => warning.role === 'cto')).toEqual([]);
  });

  it('warns of copies where more subscribe than run here', () => {
    const snapshot = snapshotAt(NOW, { registry: ok(registryData([])), subscribers: ok(new Map([['cto', 2]])) });
    expect(snapshot.warnings.find((warning) => warning.kind === 'agent-copies')?.message).toBe(
      'CTO runs twice (2 subscribers to messages:cto, none of them on this machine): ECHO handles each of its messages twice; stop all but one.',
    );
  });

  it('leaves a Redis nobody subscribes on out of the sources', () => {
    const snapshot = snapshotAt(NOW, { subscribers: ok(new Map([['cto', 0]])) });
    expect(snapshot.summary.agentsFrom).not.toContain('subscription');
  });
});
