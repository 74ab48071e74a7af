import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ITEMS_LIMIT, WORK_LIST_LIMIT, type EchoWorkData } from '../../src/main/core/echoWork';
import { EchoWorkStore } from '../../src/main/sources/postgres/echoWorkStore';
import { HeartbeatStore } from '../../src/main/sources/postgres/heartbeatStore';
import { PostgresReader, readPostgresOnce } from '../../src/main/sources/postgres/postgresReader';
import { SessionStore, type DayRequest } from '../../src/main/sources/postgres/sessionStore';
import type { SqlClient } from '../../src/main/sources/postgres/sqlClient';
import { applyEchoMigrations } from '../support/echoSchema';
import {
  delegateTask,
  insertDecision,
  insertFlow,
  insertVote,
  llmSession,
  markFailed,
  markProcessed,
  persistWorkflow,
  storeMessage,
} from '../support/echoRecords';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

// 06:30 in Los Angeles (PST, UTC-8): the local day began at 08:00 UTC, and the chart's first day (26 October) in PDT,
// at 07:00 UTC.
const ZONE = 'America/Los_Angeles';
const NOW = Date.parse('2026-11-24T14:30:00Z');
const TODAY: DayRequest = { now: NOW, today: '2026-11-24', historyDate: '2026-11-24' };
const at = (iso: string): number => Date.parse(iso);

let echo: TestDatabase;
let odd: TestDatabase;
let older: TestDatabase;
let bare: TestDatabase;
const ids: Record<string, number> = {};

async function seedEcho(sql: TestDatabase['pool']): Promise<void> {
  // Yesterday, locally: one on the UTC day before, one on today's UTC date but a second before local midnight.
  ids.yesterday = await delegateTask(sql, 'cto', 'feature', '2026-11-23T12:00:00Z');
  await markProcessed(sql, ids.yesterday, '2026-11-23T12:00:05Z');
  ids.lastLocalSecond = await delegateTask(sql, 'cto', 'code_review', '2026-11-24T07:59:59Z');
  await markProcessed(sql, ids.lastLocalSecond, '2026-11-24T08:00:04Z');
  // product_manager's message waits longest (apps/echo_shared/scripts/add_test_data.exs sends it so).
  ids.roadmap = await storeMessage(sql, {
    from: 'product_manager',
    to: 'cto',
    type: 'notification',
    subject: 'Q4 Roadmap Ready',
    at: '2026-11-20T16:00:00Z',
  });
  ids.midnight = await delegateTask(sql, 'cto', 'architecture', '2026-11-24T08:00:00Z');
  ids.review = await storeMessage(sql, {
    from: 'ceo',
    to: 'cto',
    type: 'request',
    subject: 'Technical Review Needed',
    at: '2026-11-24T09:00:00Z',
  });
  ids.answer = await storeMessage(sql, {
    from: 'cto',
    to: 'delegator',
    type: 'response',
    subject: 'Re: Direct task: code_review',
    at: '2026-11-24T10:00:00Z',
  });
  ids.broadcast = await storeMessage(sql, {
    from: 'ceo',
    to: 'all',
    type: 'notification',
    subject: 'Company update',
    at: '2026-11-24T11:00:00Z',
  });
  ids.bug = await delegateTask(sql, 'senior_developer', 'bug_fix', '2026-11-24T13:00:00Z');
  // CTO.MessageHandler and its peers: a handler that raised, recorded by mark_message_failed as inspect(error).
  await markFailed(sql, ids.bug, '%RuntimeError{message: "LLM unavailable"}', '2026-11-24T13:00:30Z');
  ids.refactor = await delegateTask(sql, 'cto', 'refactor', '2026-11-24T14:10:00Z');
  // The chart's first local day begins at 07:00 UTC (PDT); a second before it is outside the 30 days.
  ids.firstDay = await delegateTask(sql, 'senior_developer', 'docs', '2026-10-26T07:00:00Z');
  await markProcessed(sql, ids.firstDay, '2026-10-26T07:00:10Z');
  ids.beforeFirstDay = await delegateTask(sql, 'senior_developer', 'docs', '2026-10-26T06:59:59Z');
  await markProcessed(sql, ids.beforeFirstDay, '2026-10-26T07:00:10Z');

  await llmSession(sql, {
    role: 'cto',
    createdAt: '2026-11-24T09:30:00Z',
    lastQueryAt: '2026-11-24T14:20:00Z',
    turns: 3,
    tokens: 2400,
  });
  // Last queried a minute before local midnight: not today's.
  await llmSession(sql, {
    role: 'cto',
    createdAt: '2026-11-24T07:00:00Z',
    lastQueryAt: '2026-11-24T07:59:00Z',
    turns: 5,
    tokens: 4000,
  });
  // A session just created: the startup context's tokens, no turn yet.
  await llmSession(sql, {
    role: 'test_lead',
    createdAt: '2026-11-24T14:00:00Z',
    lastQueryAt: '2026-11-24T14:00:00Z',
    turns: 0,
    tokens: 1200,
  });

  const pending = '7d3c2b1a-0000-4000-8000-000000000001';
  await insertDecision(sql, {
    id: pending,
    type: 'strategic_initiative',
    initiator: 'ceo',
    mode: 'collaborative',
    status: 'pending',
    participants: ['cto', 'chro'],
    at: '2026-11-24T10:00:00Z',
  });
  await insertVote(sql, pending, 'cto', 'approve', '2026-11-24T10:05:00Z');
  await insertVote(sql, pending, 'chro', 'abstain', '2026-11-24T10:07:00Z');
  await insertDecision(sql, {
    id: '7d3c2b1a-0000-4000-8000-000000000002',
    type: 'infrastructure_change',
    initiator: 'cto',
    mode: 'autonomous',
    status: 'escalated',
    at: '2026-11-22T09:00:00Z',
  });
  await insertDecision(sql, {
    id: '7d3c2b1a-0000-4000-8000-000000000003',
    type: 'technical_proposal',
    initiator: 'cto',
    mode: 'autonomous',
    status: 'approved',
    at: '2026-11-24T11:00:00Z',
    completedAt: '2026-11-24T11:00:00Z',
  });
  await insertDecision(sql, {
    id: '7d3c2b1a-0000-4000-8000-000000000004',
    type: 'technical_proposal',
    initiator: 'cto',
    mode: 'autonomous',
    status: 'rejected',
    at: '2026-11-21T11:00:00Z',
    completedAt: '2026-11-21T11:00:00Z',
  });

  await persistWorkflow(sql, {
    id: 'wf_0a1b2c3d4e5f6071',
    name: 'feature_development',
    status: 'running',
    at: '2026-11-24T12:00:00Z',
    updatedAt: '2026-11-24T12:05:00Z',
  });
  await persistWorkflow(sql, {
    id: 'wf_1a1b2c3d4e5f6071',
    name: 'budget_approval',
    status: 'paused',
    pauseReason: 'Awaiting CEO approval for $2M budget',
    at: '2026-11-24T09:00:00Z',
  });
  await persistWorkflow(sql, {
    id: 'wf_2a1b2c3d4e5f6071',
    name: 'hiring_pipeline',
    status: 'failed',
    at: '2026-11-23T15:00:00Z',
    updatedAt: '2026-11-23T15:02:00Z',
  });
  await persistWorkflow(sql, {
    id: 'wf_3a1b2c3d4e5f6071',
    name: 'feature_development',
    status: 'completed',
    at: '2026-11-24T08:30:00Z',
  });
  const flow = 'EchoShared.Workflow.Examples.FeatureApprovalFlow';
  await insertFlow(sql, {
    id: 'flow_0a1b2c3d4e5f6071',
    name: flow,
    status: 'waiting_agent',
    at: '2026-11-24T13:00:00Z',
  });
  await insertFlow(sql, {
    id: 'flow_1a1b2c3d4e5f6071',
    name: flow,
    status: 'failed',
    error: 'Router error: %KeyError{key: :approved, term: %{}}',
    at: '2026-11-24T11:00:00Z',
    updatedAt: '2026-11-24T11:00:02Z',
  });
  await insertFlow(sql, { id: 'flow_2a1b2c3d4e5f6071', name: flow, status: 'pending', at: '2026-11-24T14:29:59Z' });
  await insertFlow(sql, { id: 'flow_3a1b2c3d4e5f6071', name: flow, status: 'completed', at: '2026-11-24T10:00:00Z' });
}

/** Rows ECHO's tables allow but its code never writes, and more of everything than a list shows. */
async function seedOdd(sql: TestDatabase['pool']): Promise<void> {
  await sql.query(
    `INSERT INTO messages (from_role, to_role, type, subject, content, read, inserted_at)
     SELECT 'delegator', 'qa', 'request', 'Direct task: check ' || n, '{}', false, timestamp '2026-11-24 09:00:00' + n * interval '1 minute'
       FROM generate_series(1, 30) AS n`,
  );
  await sql.query(
    `UPDATE messages SET read = true, processed_at = inserted_at, processing_error = ':timeout ' || repeat('x', 600 + id::int) WHERE id % 3 = 0`,
  );
  await sql.query(
    `INSERT INTO messages (from_role, to_role, type, subject, content, inserted_at) VALUES ('delegator', 'qa', 'request', 'From before time', '{}', '-infinity')`,
  );
  await sql.query(
    `INSERT INTO messages (from_role, to_role, type, subject, content, inserted_at) VALUES ('ceo', '', 'request', 'To nobody', '{}', '2026-11-24 10:00:00')`,
  );
  await sql.query(
    `INSERT INTO decisions (id, decision_type, initiator_role, participants, mode, context, status, inserted_at, updated_at)
     SELECT gen_random_uuid(), 'budget_' || n, 'ceo', ARRAY['cto', NULL, ''], 'collaborative', '{}', 'pending',
            timestamp '2026-11-01 00:00:00' + n * interval '1 hour', now()
       FROM generate_series(1, 25) AS n`,
  );
  await sql.query(`UPDATE decisions SET inserted_at = '-infinity' WHERE decision_type = 'budget_7'`);
  await sql.query(
    `INSERT INTO workflow_executions (id, workflow_name, status, inserted_at, updated_at)
     SELECT 'wf_' || n, 'feature_development', 'running', timestamp '2026-11-24 00:00:00' + n * interval '1 minute', now() FROM generate_series(1, 15) AS n`,
  );
  await sql.query(
    `INSERT INTO flow_executions (id, flow_module, status, pause_reason, inserted_at, updated_at)
     SELECT 'flow_' || n, 'EchoShared.Workflow.Flow', 'paused', 'Needs a human', timestamp '2026-11-23 00:00:00' + n * interval '1 minute', now() FROM generate_series(1, 10) AS n`,
  );
  await llmSession(sql, {
    role: 'qa',
    createdAt: '2026-11-24T12:00:00Z',
    lastQueryAt: '2026-11-24T12:30:00Z',
    turns: 2,
    tokens: 900,
  });
  await sql.query(
    `INSERT INTO llm_sessions (session_id, agent_role, turn_count, total_tokens, created_at, last_query_at) VALUES ('qa_odd', 'qa', 1, -5, '2026-11-24 12:00:00', '2026-11-24 12:10:00')`,
  );
}

beforeAll(async () => {
  [echo, odd, older, bare] = await Promise.all([
    createTestDatabase({ migrated: false }),
    createTestDatabase({ migrated: false }),
    createTestDatabase({ migrated: false }),
    createTestDatabase({ migrated: false }),
  ]);
  await Promise.all([
    applyEchoMigrations(echo.pool),
    applyEchoMigrations(odd.pool),
    applyEchoMigrations(older.pool, { upTo: '20251102211000' }),
  ]);
  await Promise.all([seedEcho(echo.pool), seedOdd(odd.pool)]);
});

afterAll(async () => {
  await Promise.all([echo, odd, older, bare].map((db) => db.drop()));
});

const agent = (work: EchoWorkData, role: string) => work.agents.find((each) => each.role === role);

describe("ECHO's own records", () => {
  it('reads every table of a current ECHO, by the local day, whatever the server zone', async () => {
    const { value: work, dropped } = await new EchoWorkStore(echo.pool, ZONE).read(TODAY);
    expect(dropped).toEqual([]);
    expect(work.tables).toEqual({ messages: true, decisions: true, llmSessions: true, workflows: true, flows: true });
    // Broadcasts (`to_role = 'all'`) are no agent; the delegator is, and test_lead has only an LLM session.
    expect(work.agents.map((each) => each.role)).toEqual([
      'ceo',
      'cto',
      'delegator',
      'product_manager',
      'senior_developer',
      'test_lead',
    ]);
    expect(agent(work, 'cto')).toEqual({
      role: 'cto',
      tasksToday: 2,
      tasksLastHour: 1,
      backlog: 4,
      waiting: [
        {
          id: ids.roadmap,
          from: 'product_manager',
          to: 'cto',
          type: 'notification',
          subject: 'Q4 Roadmap Ready',
          at: at('2026-11-20T16:00:00Z'),
        },
        {
          id: ids.midnight,
          from: 'delegator',
          to: 'cto',
          type: 'request',
          subject: 'Direct task: architecture',
          at: at('2026-11-24T08:00:00Z'),
        },
        {
          id: ids.review,
          from: 'ceo',
          to: 'cto',
          type: 'request',
          subject: 'Technical Review Needed',
          at: at('2026-11-24T09:00:00Z'),
        },
        {
          id: ids.refactor,
          from: 'delegator',
          to: 'cto',
          type: 'request',
          subject: 'Direct task: refactor',
          at: at('2026-11-24T14:10:00Z'),
        },
      ],
      failures: [],
      failuresTotal: 0,
      lastSent: {
        id: ids.answer,
        from: 'cto',
        to: 'delegator',
        type: 'response',
        subject: 'Re: Direct task: code_review',
        at: at('2026-11-24T10:00:00Z'),
      },
      llm: { lastQueryAt: at('2026-11-24T14:20:00Z'), turnsToday: 3, tokensToday: 2400 },
    });
    expect(agent(work, 'senior_developer')).toMatchObject({
      tasksToday: 1,
      tasksLastHour: 0,
      backlog: 0,
      waiting: [],
      failures: [
        {
          id: ids.bug,
          subject: 'Direct task: bug_fix',
          error: '%RuntimeError{message: "LLM unavailable"}',
          at: at('2026-11-24T13:00:00Z'),
        },
      ],
      failuresTotal: 1,
      lastSent: null,
      llm: null,
    });
    expect(agent(work, 'delegator')).toMatchObject({ tasksToday: 0, backlog: 1, lastSent: { id: ids.refactor } });
    expect(agent(work, 'ceo')?.lastSent?.id).toBe(ids.broadcast);
    expect(agent(work, 'test_lead')).toMatchObject({
      tasksToday: 0,
      backlog: 0,
      lastSent: null,
      llm: { lastQueryAt: at('2026-11-24T14:00:00Z'), turnsToday: 0, tokensToday: 1200 },
    });

    // Open: pending and escalated, oldest first; approved and rejected are outcomes.
    expect(work.openDecisions).toEqual([
      {
        id: '7d3c2b1a-0000-4000-8000-000000000002',
        type: 'infrastructure_change',
        initiator: 'cto',
        participants: [],
        mode: 'autonomous',
        status: 'escalated',
        votes: 0,
        insertedAt: at('2026-11-22T09:00:00Z'),
      },
      {
        id: '7d3c2b1a-0000-4000-8000-000000000001',
        type: 'strategic_initiative',
        initiator: 'ceo',
        participants: ['cto', 'chro'],
        mode: 'collaborative',
        status: 'pending',
        votes: 2,
        insertedAt: at('2026-11-24T10:00:00Z'),
      },
    ]);
    expect(work.openDecisionsTotal).toBe(2);

    // Failed first, then the oldest; completed and pending ones are not on show.
    expect(work.workflows.map((run) => [run.kind, run.id, run.status])).toEqual([
      ['workflow', 'wf_2a1b2c3d4e5f6071', 'failed'],
      ['flow', 'flow_1a1b2c3d4e5f6071', 'failed'],
      ['workflow', 'wf_1a1b2c3d4e5f6071', 'paused'],
      ['workflow', 'wf_0a1b2c3d4e5f6071', 'running'],
      ['flow', 'flow_0a1b2c3d4e5f6071', 'waiting_agent'],
    ]);
    expect(work.workflows[1]).toMatchObject({
      name: 'EchoShared.Workflow.Examples.FeatureApprovalFlow',
      error: 'Router error: %KeyError{key: :approved, term: %{}}',
      pauseReason: null,
    });
    expect(work.workflows[2]).toMatchObject({
      name: 'budget_approval',
      pauseReason: 'Awaiting CEO approval for $2M budget',
      error: null,
    });
    expect(work.workflows[3]).toMatchObject({
      insertedAt: at('2026-11-24T12:00:00Z'),
      updatedAt: at('2026-11-24T12:05:00Z'),
    });
    expect(work.workflowsTotal).toBe(5);

    // The latest are those stored last, as ECHO numbers its messages when it stores them (here two backdated ones were
    // stored last).
    expect(work.latestMessages.map((message) => message.id)).toEqual([
      ids.beforeFirstDay,
      ids.firstDay,
      ids.refactor,
      ids.bug,
      ids.broadcast,
    ]);
    expect(work.latestMessages[2]).toEqual({
      id: ids.refactor,
      from: 'delegator',
      to: 'cto',
      type: 'request',
      subject: 'Direct task: refactor',
      at: at('2026-11-24T14:10:00Z'),
    });

    expect(work.tasksPerDay).toHaveLength(30);
    expect(work.tasksPerDay[0]).toEqual({ date: '2026-10-26', count: 1 });
    expect(work.tasksPerDay.filter((day) => day.count > 0)).toEqual([
      { date: '2026-10-26', count: 1 },
      { date: '2026-11-23', count: 2 },
      { date: '2026-11-24', count: 3 },
    ]);
  });

  it('moves its days with the zone: in UTC the second before Los Angeles midnight is today', async () => {
    const { value: work } = await new EchoWorkStore(echo.pool, 'UTC').read(TODAY);
    expect(agent(work, 'cto')).toMatchObject({ tasksToday: 3, tasksLastHour: 1 });
    expect(work.tasksPerDay.at(-1)).toEqual({ date: '2026-11-24', count: 4 });
  });

  it('bounds every list, counts all in the totals, and leaves out what it cannot read with the reason', async () => {
    const { value: work, dropped } = await new EchoWorkStore(odd.pool, 'UTC').read(TODAY);
    const qa = agent(work, 'qa');
    // 31 to qa: 10 failed (read), 20 unread, and one from before time.
    expect(qa?.backlog).toBe(21);
    expect(qa?.waiting).toHaveLength(AGENT_ITEMS_LIMIT - 1);
    expect(qa?.waiting.map((message) => message.subject)).toEqual([
      'Direct task: check 1',
      'Direct task: check 2',
      'Direct task: check 4',
      'Direct task: check 5',
    ]);
    expect(qa?.failuresTotal).toBe(10);
    expect(qa?.failures).toHaveLength(AGENT_ITEMS_LIMIT);
    expect(qa?.failures.map((message) => message.subject)).toEqual([
      'Direct task: check 30',
      'Direct task: check 27',
      'Direct task: check 24',
      'Direct task: check 21',
      'Direct task: check 18',
    ]);
    expect(qa?.failures[0]?.error).toMatch(/^:timeout x+… \(cut from 639 characters\)$/);
    // The session with negative tokens is left out of today's sums.
    expect(qa?.llm).toEqual({ lastQueryAt: at('2026-11-24T12:30:00Z'), turnsToday: 2, tokensToday: 900 });
    expect(work.agents.map((each) => each.role)).toEqual(['ceo', 'delegator', 'qa']);

    expect(work.openDecisions).toHaveLength(WORK_LIST_LIMIT - 1);
    expect(work.openDecisionsTotal).toBe(25);
    expect(work.openDecisions[0]).toMatchObject({ type: 'budget_1', participants: ['cto'] });
    expect(work.workflows).toHaveLength(WORK_LIST_LIMIT);
    expect(work.workflowsTotal).toBe(25);
    expect(work.workflows.slice(0, 10).every((run) => run.kind === 'flow' && run.pauseReason === 'Needs a human')).toBe(
      true,
    );

    // Each named once: the message to nobody is ceo's last sent, and its role is no agent's.
    expect(dropped).toEqual([
      'agent : role: role is empty',
      'messages 32: to_role: to_role is empty',
      "llm_sessions of qa: 1 of today's left out (negative turn_count or total_tokens)",
      'messages 31: at_ms: timestamp out of range',
      expect.stringMatching(/^decisions [0-9a-f-]+: inserted_at_ms: timestamp out of range$/),
    ]);
    expect(agent(work, 'ceo')?.lastSent).toBeNull();
    // The same bad rows among the latest are left out again, and named once.
    expect(work.latestMessages.length).toBeLessThan(AGENT_ITEMS_LIMIT);
  });

  it("reads an older ECHO's tables as absent, never as an error", async () => {
    const id = await storeMessage(older.pool, {
      from: 'delegator',
      to: 'cto',
      type: 'request',
      subject: 'Direct task: feature',
      at: '2026-11-24T14:00:00Z',
    });
    const { value: work, dropped } = await new EchoWorkStore(older.pool, 'UTC').read(TODAY);
    expect(dropped).toEqual([]);
    // Only the first migration: messages without processing_error, decisions; no LLM sessions, no executions.
    expect(work.tables).toEqual({
      messages: true,
      decisions: true,
      llmSessions: false,
      workflows: false,
      flows: false,
    });
    expect(work.agents).toEqual([
      {
        role: 'cto',
        tasksToday: 1,
        tasksLastHour: 1,
        backlog: 1,
        waiting: [expect.objectContaining({ id })],
        failures: [],
        failuresTotal: 0,
        lastSent: null,
        llm: null,
      },
      expect.objectContaining({ role: 'delegator', lastSent: expect.objectContaining({ id }) as unknown }),
    ]);
    expect([work.workflows, work.workflowsTotal]).toEqual([[], 0]);

    const none = await new EchoWorkStore(bare.pool, 'UTC').read(TODAY);
    expect(none).toEqual({
      value: {
        tables: { messages: false, decisions: false, llmSessions: false, workflows: false, flows: false },
        agents: [],
        openDecisions: [],
        openDecisionsTotal: 0,
        workflows: [],
        workflowsTotal: 0,
        latestMessages: [],
        tasksPerDay: [],
      },
      dropped: [],
    });
  });

  it('looks again when a table it knew goes away', async () => {
    const store = new EchoWorkStore(older.pool, 'UTC');
    await store.read(TODAY);
    await older.pool.query('DROP TABLE decision_votes, decisions');
    const { value: work } = await store.read(TODAY);
    expect(work.tables.decisions).toBe(false);
    expect(work.agents.map((each) => each.role)).toEqual(['cto', 'delegator']);
  });

  it('fails as the database does when it cannot be reached', async () => {
    const unreachable = {
      query: () =>
        Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })),
    };
    await expect(new EchoWorkStore(unreachable, 'UTC').read(TODAY)).rejects.toThrow('ECONNREFUSED');
  });
});

describe('a poll of ECHO with its work', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    await applyEchoMigrations(db.pool);
    await seedEcho(db.pool);
  });
  afterAll(async () => {
    await db.drop();
  });

  /** Counts the statements a client is sent. */
  function counted(sql: SqlClient): { sql: SqlClient; statements: string[] } {
    const statements: string[] = [];
    return { sql: { query: (text, values) => (statements.push(text), sql.query(text, values)) }, statements };
  }

  const readerOn = (sql: SqlClient, maxAgeMs = 60_000) =>
    new PostgresReader(new SessionStore(sql, ZONE), new HeartbeatStore(sql), {
      maxAgeMs,
      work: new EchoWorkStore(sql, ZONE),
    });
  const later = (ms: number): DayRequest => ({ ...TODAY, now: NOW + ms });

  it("carries the work token in the change token's statement: a quiet poll is one round trip, a new message reads the work again", async () => {
    const client = counted(db.pool);
    const reader = readerOn(client.sql);
    const first = await reader.read(TODAY);
    // The token, the picture, the heartbeats on their own this once (as ever), and the work.
    expect(client.statements).toHaveLength(4);
    expect(first.value.work?.agents.find((each) => each.role === 'cto')?.backlog).toBe(4);

    const quiet = await reader.read(later(5_000));
    expect(client.statements).toHaveLength(5);
    expect(quiet.value.work).toBe(first.value.work);
    await reader.read(later(10_000));
    expect(client.statements).toHaveLength(6);

    const id = await delegateTask(db.pool, 'cto', 'hotfix', '2026-11-24T14:30:00Z');
    const changed = await reader.read(later(15_000));
    // The token, then the work alone: the sessions' picture stands.
    expect(client.statements).toHaveLength(8);
    expect(changed.value.work?.agents.find((each) => each.role === 'cto')).toMatchObject({
      tasksToday: 3,
      tasksLastHour: 2,
      backlog: 5,
    });
    expect(changed.value.activeSessions).toBe(first.value.activeSessions);

    // The agent handles it: mark_message_processed sets `read`, and the unread count moves the token.
    await markProcessed(db.pool, id, '2026-11-24T14:30:20Z');
    const handled = await reader.read(later(20_000));
    expect(client.statements).toHaveLength(10);
    expect(handled.value.work?.agents.find((each) => each.role === 'cto')?.backlog).toBe(4);

    // A vote, a decision escalated, a flow moving on: each moves it too.
    for (const statement of [
      "INSERT INTO decision_votes (decision_id, voter_role, vote, confidence, voted_at) VALUES ('7d3c2b1a-0000-4000-8000-000000000001', 'cfo', 'approve', 0.7, '2026-11-24 14:30:25')",
      "UPDATE decisions SET status = 'escalated', updated_at = '2026-11-24 14:30:30' WHERE id = '7d3c2b1a-0000-4000-8000-000000000001'",
      "UPDATE flow_executions SET status = 'running', updated_at = '2026-11-24 14:30:35' WHERE id = 'flow_0a1b2c3d4e5f6071'",
      "UPDATE llm_sessions SET turn_count = turn_count + 1, total_tokens = total_tokens + 300 WHERE agent_role = 'test_lead'",
    ]) {
      const before = client.statements.length;
      await db.pool.query(statement);
      await reader.read(later(25_000));
      expect(client.statements.length - before, statement).toBe(2);
    }
    const now = await reader.read(later(30_000));
    expect(now.value.work?.openDecisions.map((decision) => [decision.status, decision.votes])).toEqual([
      ['escalated', 0],
      ['escalated', 3],
    ]);
  });

  it('reads the work again after a minute, for a change its token cannot see, and on a new day', async () => {
    const client = counted(db.pool);
    const reader = readerOn(client.sql, 60_000);
    await reader.read(TODAY);
    // A message handled already, edited by hand: no count moves.
    await db.pool.query(`UPDATE messages SET subject = 'Retold' WHERE id = $1`, [ids.answer]);
    const soon = await reader.read(later(59_000));
    expect(soon.value.work?.agents.find((each) => each.role === 'cto')?.lastSent?.subject).not.toBe('Retold');
    const minute = await reader.read(later(60_000));
    expect(minute.value.work?.agents.find((each) => each.role === 'cto')?.lastSent?.subject).toBe('Retold');
    const before = client.statements.length;
    const tomorrow = await reader.read({ now: NOW + 90_000, today: '2026-11-25', historyDate: '2026-11-25' });
    expect(client.statements.length - before).toBe(3);
    expect(tomorrow.value.work?.tasksPerDay.at(-1)?.date).toBe('2026-11-25');
  });

  it('reads a table that goes away as absent, and fails no poll', async () => {
    const reader = readerOn(db.pool);
    expect((await reader.read(TODAY)).value.work?.tables.llmSessions).toBe(true);
    await db.pool.query('DROP TABLE llm_sessions');
    const after = await reader.read(later(1_000));
    expect(after.value.work?.tables.llmSessions).toBe(false);
    expect(after.value.work?.agents.every((each) => each.llm === null)).toBe(true);
    expect(after.dropped).toEqual([]);
  });

  it('reads the work in a single look, and gives null with the reason where it cannot be read', async () => {
    const sessions = new SessionStore(db.pool, ZONE);
    const once = await readPostgresOnce(sessions, new HeartbeatStore(db.pool), new EchoWorkStore(db.pool, ZONE)).read(
      TODAY,
    );
    expect(once.value.work?.openDecisionsTotal).toBeGreaterThan(0);
    const refused = {
      query: () => Promise.reject(Object.assign(new Error('permission denied for table messages'), { code: '42501' })),
    };
    const reader = new PostgresReader(sessions, new HeartbeatStore(db.pool), {
      work: new EchoWorkStore(refused, ZONE),
    });
    const read = await reader.read(TODAY);
    expect(read.value.work).toBeNull();
    // The sessions and heartbeats stand without it.
    expect(read.value.heartbeats.present).toBe(true);
    expect(read.dropped).toEqual(["ECHO's work records: permission denied for table messages"]);
  });
});
