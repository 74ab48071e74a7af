import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeartbeatStore } from '../../src/main/sources/postgres/heartbeatStore';
import { PostgresReader } from '../../src/main/sources/postgres/postgresReader';
import { SessionStore } from '../../src/main/sources/postgres/sessionStore';
import type { SqlClient } from '../../src/main/sources/postgres/sqlClient';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

/** ECHO's own DDL for the table (its migration), as it runs beside delegator_sessions. */
const ECHO_AGENT_STATUS = [
  `CREATE TABLE agent_status (role varchar(255) PRIMARY KEY, status varchar(255) NOT NULL,
     last_heartbeat timestamp(0) NOT NULL, version varchar(255), capabilities jsonb, metadata jsonb)`,
  'CREATE INDEX agent_status_last_heartbeat_index ON agent_status (last_heartbeat)',
];

let withTable: TestDatabase;
let withoutTable: TestDatabase;

beforeAll(async () => {
  [withTable, withoutTable] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  // Whatever the harness's migration made, each database holds exactly what this test says.
  await Promise.all([withTable, withoutTable].map((db) => db.pool.query('DROP TABLE IF EXISTS agent_status')));
  for (const statement of ECHO_AGENT_STATUS) await withTable.pool.query(statement);
  // As ECHO's AgentHealthMonitor writes them: UTC in a column without a zone, whole seconds, metadata with the node.
  await withTable.pool.query(
    `INSERT INTO agent_status (role, status, last_heartbeat, version, metadata) VALUES
       ('senior_developer', 'running', '2026-11-24 14:59:57', '0.1.0', '{"node": "nonode@nohost", "timestamp": "2026-11-24T14:59:57Z"}'),
       ('cto', 'running', '2026-11-24 14:58:00', NULL, '{"node": "cto@gpu-box", "version": "1.0.0"}'),
       ('ceo', 'stopped', '2026-11-24 14:59:00', '0.1.0', NULL),
       ('test_lead', 'error', '2026-11-24 14:59:58', '0.1.0', '[1, 2]'),
       ('', 'running', '2026-11-24 14:59:58', NULL, NULL),
       ('chro', 'running', 'infinity', NULL, NULL)`,
  );
});

afterAll(async () => {
  await Promise.all([withTable.drop(), withoutTable.drop()]);
});

describe("ECHO's agent_status", () => {
  it('reads each row as ECHO wrote it, in UTC whatever the server zone, and leaves out what cannot be read with the reason', async () => {
    const { value, dropped } = await new HeartbeatStore(withTable.pool).read();
    expect(value.present).toBe(true);
    expect(value.rows).toEqual([
      {
        role: 'ceo',
        status: 'stopped',
        lastHeartbeatAt: Date.parse('2026-11-24T14:59:00Z'),
        node: null,
        version: '0.1.0',
      },
      // ECHO's agents put their version in the metadata.
      {
        role: 'cto',
        status: 'running',
        lastHeartbeatAt: Date.parse('2026-11-24T14:58:00Z'),
        node: 'cto@gpu-box',
        version: '1.0.0',
      },
      {
        role: 'senior_developer',
        status: 'running',
        lastHeartbeatAt: Date.parse('2026-11-24T14:59:57Z'),
        node: 'nonode@nohost',
        version: '0.1.0',
      },
      // Metadata that is not an object has no node, but the heartbeat itself is good.
      {
        role: 'test_lead',
        status: 'error',
        lastHeartbeatAt: Date.parse('2026-11-24T14:59:58Z'),
        node: null,
        version: '0.1.0',
      },
    ]);
    expect(dropped).toHaveLength(2);
    expect(dropped.find((reason) => reason.startsWith('agent_status chro:'))).toContain('last_heartbeat');
    expect(dropped.find((reason) => reason.startsWith('agent_status :'))).toContain('role is empty');
  });

  it('is not present, and no error, where the table is missing (an older ECHO)', async () => {
    expect(await new HeartbeatStore(withoutTable.pool).read()).toEqual({
      value: { present: false, rows: [] },
      dropped: [],
    });
  });

  it('fails as the database does when it cannot be reached', async () => {
    const unreachable = {
      query: () =>
        Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })),
    };
    await expect(new HeartbeatStore(unreachable).read()).rejects.toThrow('ECONNREFUSED');
  });
});

describe('a poll of ECHO with heartbeats', () => {
  const request = { now: Date.parse('2026-11-24T15:00:00Z'), today: '2026-11-24', historyDate: '2026-11-24' };

  function counted(sql: SqlClient): { sql: SqlClient; statements: string[] } {
    const statements: string[] = [];
    return { sql: { query: (text, values) => (statements.push(text), sql.query(text, values)) }, statements };
  }

  it("carries the heartbeats in the change token's statement, so a quiet poll is one round trip", async () => {
    const client = counted(withTable.pool);
    const reader = new PostgresReader(new SessionStore(client.sql, 'UTC'), new HeartbeatStore(client.sql));
    const first = await reader.read(request);
    expect(first.value.heartbeats.rows.map((row) => row.role)).toEqual(['ceo', 'cto', 'senior_developer', 'test_lead']);
    const before = client.statements.length;
    const quiet = await reader.read(request);
    expect(client.statements.length - before).toBe(1);
    expect(quiet.value.heartbeats).toEqual(first.value.heartbeats);
    expect(quiet.dropped).toHaveLength(2);
  });

  it('reads no heartbeats, and fails no poll, where the table is missing or goes away', async () => {
    const reader = new PostgresReader(
      new SessionStore(withoutTable.pool, 'UTC'),
      new HeartbeatStore(withoutTable.pool),
    );
    expect((await reader.read(request)).value.heartbeats).toEqual({ present: false, rows: [] });
    for (const statement of ECHO_AGENT_STATUS) await withoutTable.pool.query(statement);
    await reader.read(request);
    await withoutTable.pool.query(
      "INSERT INTO agent_status (role, status, last_heartbeat) VALUES ('ceo', 'running', '2026-11-24 14:59:59')",
    );
    expect((await reader.read(request)).value.heartbeats.rows.map((row) => row.role)).toEqual(['ceo']);
    await withoutTable.pool.query('DROP TABLE agent_status');
    expect((await reader.read(request)).value.heartbeats).toEqual({ present: false, rows: [] });
  });
});
