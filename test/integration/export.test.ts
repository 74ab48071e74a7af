import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportQuery } from '../../src/shared/apiSchemas';
import { eventLogEntries, eventsInMemory } from '../../src/main/export/eventEntries';
import { exportChunks, ExportTally, type ExportSources } from '../../src/main/export/exportChunks';
import { DestinationFailed, SourceDown } from '../../src/main/export/exportErrors';
import { exportTo } from '../../src/main/export/exportTo';
import type { SqlClient } from '../../src/main/sources/postgres/sqlClient';
import type { MonitorEvent } from '../../src/shared/monitorEvent';
import { BACKENDS, type SqlBackend } from '../support/backends';
import { insertSessions, type SessionSeed } from '../support/sessionRows';

const query = (overrides: Partial<ExportQuery>): ExportQuery => ({
  from: '2026-03-07',
  to: '2026-03-09',
  format: 'csv',
  what: 'sessions',
  ...overrides,
});

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

/** The rows of a CSV whose fields hold no quotes, commas or line breaks, as these fixtures' do. */
function csvRows(text: string): string[][] {
  expect(text.endsWith('\r\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\r\n')
    .map((line) => line.split(','));
}

type SessionJson = Record<string, unknown> & { session_id: string };

/**
 * New York's clocks jump from 02:00 to 03:00 on 2026-03-08, so the three local
 * days 7-9 March run from 05:00 UTC on the 7th to 04:00 UTC on the 10th.
 */
const AROUND_DST: SessionSeed[] = [
  { sessionId: 'before-first-day', startedAt: '2026-03-07T04:59:59Z', endedAt: '2026-03-07T05:10:00Z' },
  { sessionId: 'first-second', startedAt: '2026-03-07T05:00:00Z', endedAt: '2026-03-07T05:10:00Z' },
  // Starts at 01:30 EST and ends at 03:30 EDT: two hours on the wall clock, one in fact.
  { sessionId: 'across-the-jump', startedAt: '2026-03-08T06:30:00Z', endedAt: '2026-03-08T07:30:00Z' },
  { sessionId: 'after-the-jump', startedAt: '2026-03-08T07:00:00Z', endedAt: null, status: 'active' },
  { sessionId: 'last-second', startedAt: '2026-03-10T03:59:59Z', endedAt: null, status: 'active' },
  // Inside the range if the last day were taken at the winter offset.
  { sessionId: 'after-last-day', startedAt: '2026-03-10T04:00:00Z', endedAt: null, status: 'active' },
];

describe.each(BACKENDS)('exports on $name', (backend) => {
  let db: SqlBackend;
  const sources = (overrides: Partial<ExportSources> = {}): ExportSources => ({
    sql: db.sql,
    events: () => [],
    timeZone: 'America/New_York',
    ...overrides,
  });

  beforeAll(async () => {
    db = await backend.open();
    await insertSessions(db.sql, AROUND_DST);
  });
  afterAll(async () => {
    await db.close();
  });

  it("includes exactly the sessions started on the user's local days across a DST change, with the offsets of their instants", async () => {
    const rows = csvRows(await collect(exportChunks(query({}), sources())));
    expect(rows[0]).toEqual([
      'session_id',
      'task_category',
      'task_description',
      'status',
      'active_agents',
      'total_agents_spawned',
      'tasks_delegated',
      'started_at',
      'ended_at',
      'duration_seconds',
    ]);
    expect(rows.slice(1).map((row) => [row[0], row[3], row[7], row[8], row[9]])).toEqual([
      ['first-second', 'completed', '2026-03-07T00:00:00-05:00', '2026-03-07T00:10:00-05:00', '600'],
      ['across-the-jump', 'completed', '2026-03-08T01:30:00-05:00', '2026-03-08T03:30:00-04:00', '3600'],
      ['after-the-jump', 'active', '2026-03-08T03:00:00-04:00', '', ''],
      ['last-second', 'active', '2026-03-09T23:59:59-04:00', '', ''],
    ]);
    expect(rows[1]?.slice(1, 7)).toEqual([
      'development',
      'Work on development',
      'completed',
      'senior_developer;test_lead',
      '2',
      '0',
    ]);
  });

  it('takes the short day alone from its first to its last instant', async () => {
    const text = await collect(exportChunks(query({ from: '2026-03-08', to: '2026-03-08' }), sources()));
    expect(
      csvRows(text)
        .slice(1)
        .map((row) => row[0]),
    ).toEqual(['across-the-jump', 'after-the-jump']);
  });

  it('writes the same sessions as one JSON array', async () => {
    const text = await collect(exportChunks(query({ format: 'json' }), sources({ pageSize: 2 })));
    const sessions = JSON.parse(text) as SessionJson[];
    expect(sessions.map((session) => session.session_id)).toEqual([
      'first-second',
      'across-the-jump',
      'after-the-jump',
      'last-second',
    ]);
    expect(sessions[1]).toEqual({
      session_id: 'across-the-jump',
      task_category: 'development',
      task_description: 'Work on development',
      status: 'completed',
      active_agents: ['senior_developer', 'test_lead'],
      total_agents_spawned: 2,
      tasks_delegated: 0,
      started_at: '2026-03-08T01:30:00-05:00',
      ended_at: '2026-03-08T03:30:00-04:00',
      duration_seconds: 3600,
    });
  });

  it('writes only the header, or an empty array, when no session started in the range', async () => {
    expect(await collect(exportChunks(query({ from: '2026-01-01', to: '2026-01-31' }), sources()))).toBe(
      'session_id,task_category,task_description,status,active_agents,total_agents_spawned,tasks_delegated,started_at,ended_at,duration_seconds\r\n',
    );
    expect(
      JSON.parse(
        await collect(exportChunks(query({ from: '2026-01-01', to: '2026-01-31', format: 'json' }), sources())),
      ),
    ).toEqual([]);
  });

  describe('keyset pagination', () => {
    const TIED = 25;
    beforeAll(async () => {
      // More than two pages of sessions that all started in the same second, between two others.
      await db.sql.query(
        `INSERT INTO delegator_sessions (session_id, task_category, started_at, inserted_at, updated_at)
         SELECT 'tied-' || lpad(g::text, 3, '0'), 'quick_fix', '2026-05-01 12:00:00', now(), now() FROM generate_series(1, ${TIED}) AS g`,
      );
      await insertSessions(db.sql, [
        { sessionId: 'tied-before', startedAt: '2026-05-01T11:59:59Z' },
        { sessionId: 'tied-after', startedAt: '2026-05-01T12:00:01Z' },
      ]);
    });

    it.each([1, 7, 10, 27, 1000])('gives every session once when %i rows make a page', async (pageSize) => {
      const tally = new ExportTally();
      const chunks: string[] = [];
      for await (const chunk of exportChunks(
        query({ from: '2026-05-01', to: '2026-05-01', format: 'json' }),
        sources({ timeZone: 'UTC', pageSize }),
        tally,
      )) {
        chunks.push(chunk);
      }
      const ids = (JSON.parse(chunks.join('')) as SessionJson[]).map((session) => session.session_id);
      expect(ids).toHaveLength(TIED + 2);
      expect(new Set(ids).size).toBe(TIED + 2);
      expect(ids[0]).toBe('tied-before');
      expect(ids.at(-1)).toBe('tied-after');
      expect(tally).toMatchObject({ written: TIED + 2, leftOut: 0 });
      // One chunk per page, the last one closing the array.
      expect(chunks.length).toBe(Math.ceil((TIED + 2) / pageSize) + 1);
    });
  });

  describe('rows that cannot be read', () => {
    beforeAll(async () => {
      await insertSessions(db.sql, [
        { sessionId: 'bad-ends-early', startedAt: '2026-06-01T10:00:00Z', endedAt: '2026-06-01T09:00:00Z' },
        { sessionId: 'good-1', startedAt: '2026-06-01T11:00:00Z' },
        { sessionId: 'bad-negative', startedAt: '2026-06-01T12:00:00Z', totalAgentsSpawned: -3 },
        { sessionId: 'good-2', startedAt: '2026-06-01T13:00:00Z' },
      ]);
    });

    it('are left out and counted with their reasons, and the rest is written', async () => {
      const tally = new ExportTally();
      const text = await collect(
        exportChunks(query({ from: '2026-06-01', to: '2026-06-01' }), sources({ timeZone: 'UTC', pageSize: 1 }), tally),
      );
      expect(
        csvRows(text)
          .slice(1)
          .map((row) => row[0]),
      ).toEqual(['good-1', 'good-2']);
      expect(tally.written).toBe(2);
      expect(tally.leftOut).toBe(2);
      expect(tally.reasons).toEqual([
        'session bad-ends-early: ended_at: ended before it started',
        expect.stringMatching(/^session bad-negative: total_agents_spawned: /),
      ]);
    });
  });
});

describe('exporting into a writable', () => {
  let db: SqlBackend;
  beforeAll(async () => {
    const server = BACKENDS.find((backend) => backend.name === 'PostgreSQL server');
    if (!server) throw new Error('no PostgreSQL server backend');
    db = await server.open();
    await db.sql.query(
      `INSERT INTO delegator_sessions (session_id, task_category, task_description, started_at, inserted_at, updated_at)
       SELECT 'bulk-' || lpad(g::text, 5, '0'), 'development', repeat('x', 200), '2026-07-01 00:00:00'::timestamp + g * interval '1 second', now(), now()
         FROM generate_series(1, 3000) AS g`,
    );
  });
  afterAll(async () => {
    await db.close();
  });

  /** A sink that takes a while over each write and holds little, so the export must wait for it. */
  function slowSink(): { sink: Writable; text: () => string; fullTimes: () => number } {
    let text = '';
    const sink = new Writable({
      highWaterMark: 1024,
      decodeStrings: false,
      write(chunk: string, _encoding, done) {
        text += chunk;
        setTimeout(done, 1);
      },
    });
    let full = 0;
    const write = sink.write.bind(sink);
    sink.write = ((chunk: string) => {
      const more = write(chunk);
      if (!more) full += 1;
      return more;
    }) as typeof sink.write;
    return { sink, text: () => text, fullTimes: () => full };
  }

  it('waits for drain whenever the writable is full, and writes everything in order', async () => {
    const { sink, text, fullTimes } = slowSink();
    const sources: ExportSources = { sql: db.sql, events: () => [], timeZone: 'UTC', pageSize: 500 };
    const summary = await exportTo(sink, query({ from: '2026-07-01', to: '2026-07-01' }), sources);
    expect(summary).toEqual({ written: 3000, leftOut: 0, reasons: [] });
    expect(fullTimes()).toBeGreaterThanOrEqual(6);
    const rows = csvRows(text());
    expect(rows).toHaveLength(3001);
    expect(rows[1]?.[0]).toBe('bulk-00001');
    expect(rows[3000]?.[0]).toBe('bulk-03000');
    // Nothing was ended: the caller owns the writable.
    expect(sink.writableEnded).toBe(false);
  });

  it('stops reading when the writable closes part way', async () => {
    let queries = 0;
    const counting: SqlClient = {
      query: (text, values) => {
        queries += 1;
        return db.sql.query(text, values);
      },
    };
    const { sink } = slowSink();
    const closeSoon = setTimeout(() => sink.destroy(), 5);
    const exported = exportTo(sink, query({ from: '2026-07-01', to: '2026-07-01' }), {
      sql: counting,
      events: () => [],
      timeZone: 'UTC',
      pageSize: 100,
    });
    await expect(exported).rejects.toBeInstanceOf(DestinationFailed);
    clearTimeout(closeSoon);
    expect(queries).toBeLessThan(30);
  });

  it('reports a database that fails as a source down, before writing anything', async () => {
    const failing: SqlClient = { query: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')) };
    const { sink, text } = slowSink();
    let started = false;
    const exported = exportTo(
      sink,
      query({}),
      { sql: failing, events: () => [], timeZone: 'UTC' },
      { beforeFirstChunk: () => (started = true) },
    );
    await expect(exported).rejects.toThrow(new SourceDown('PostgreSQL', new Error('connect ECONNREFUSED 127.0.0.1:1')));
    expect(started).toBe(false);
    expect(text()).toBe('');
  });
});

describe('exporting the event log', () => {
  const event = (id: string, at: string, extra: Partial<MonitorEvent> = {}): MonitorEvent => ({
    id,
    at,
    type: 'agent_spawned',
    origin: 'registry',
    message: `event ${id}`,
    ...extra,
  });
  const EVENTS = [
    event('too-early', '2026-03-07T04:59:59.999Z'),
    event('first', '2026-03-07T05:00:00.000Z', {
      role: 'senior_developer',
      sessionId: 's1',
      model: 'deepseek-coder:6.7b',
    }),
    event('formula', '2026-03-08T07:15:00.500Z', {
      type: 'session_ended',
      origin: 'monitor',
      message: '=HYPERLINK("x"), said "hi"',
    }),
    event('too-late', '2026-03-10T04:00:00.000Z'),
  ];
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'event-export-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const noSql: SqlClient = { query: () => Promise.reject(new Error('events need no database')) };

  it('writes the events of the local days from the file the monitor keeps, leaving out lines that are not events', async () => {
    const path = join(dir, 'event-log.jsonl');
    const lines = EVENTS.map((entry) => JSON.stringify(entry));
    lines.splice(2, 0, 'not json', JSON.stringify({ id: 'x', at: 'yesterday' }));
    await writeFile(path, `${lines.join('\n')}\n`);
    const tally = new ExportTally();
    const text = await collect(
      exportChunks(
        query({ what: 'events' }),
        { sql: noSql, events: () => eventLogEntries(path), timeZone: 'America/New_York' },
        tally,
      ),
    );
    expect(text).toBe(
      'at,type,origin,message,role,session_id,model,id\r\n' +
        '2026-03-07T00:00:00-05:00,agent_spawned,registry,event first,senior_developer,s1,deepseek-coder:6.7b,first\r\n' +
        `2026-03-08T03:15:00.500-04:00,session_ended,monitor,"'=HYPERLINK(""x""), said ""hi""",,,,formula\r\n`,
    );
    expect(tally.leftOut).toBe(2);
    expect(tally.reasons).toEqual([`${path} line 3: not JSON`, expect.stringMatching(new RegExp(`^${path} line 4: `))]);
  });

  it('has no events where no log was written yet', async () => {
    const text = await collect(
      exportChunks(query({ what: 'events', format: 'json' }), {
        sql: noSql,
        events: () => eventLogEntries(join(dir, 'missing.jsonl')),
        timeZone: 'UTC',
      }),
    );
    expect(JSON.parse(text)).toEqual([]);
  });

  it('writes the events a running monitor holds as JSON', async () => {
    const text = await collect(
      exportChunks(query({ what: 'events', format: 'json' }), {
        sql: noSql,
        events: () => eventsInMemory(EVENTS),
        timeZone: 'America/New_York',
      }),
    );
    expect((JSON.parse(text) as { id: string }[]).map((entry) => entry.id)).toEqual(['first', 'formula']);
  });
});
