import { describe, expect, it } from 'vitest';
import {
  csvEncoder,
  eventExportRow,
  jsonEncoder,
  SESSION_EXPORT_COLUMNS,
  sessionExportRow,
} from '../../src/main/core/views/exportRows';
import { localIsoString } from '../../src/main/core/localTime';
import type { MonitorEvent } from '../../src/shared/monitorEvent';
import { sessionRecord } from '../support/fixtures';

describe('local ISO 8601 times', () => {
  it.each([
    ['2026-03-08T09:30:00Z', 'America/Los_Angeles', '2026-03-08T01:30:00-08:00'],
    // An hour later the clocks have gone forward.
    ['2026-03-08T10:30:00Z', 'America/Los_Angeles', '2026-03-08T03:30:00-07:00'],
    ['2026-03-08T06:59:59Z', 'America/New_York', '2026-03-08T01:59:59-05:00'],
    ['2026-03-08T07:00:00Z', 'America/New_York', '2026-03-08T03:00:00-04:00'],
    // The hour that happens twice in autumn is told apart by its offset.
    ['2026-11-01T05:30:00Z', 'America/New_York', '2026-11-01T01:30:00-04:00'],
    ['2026-11-01T06:30:00Z', 'America/New_York', '2026-11-01T01:30:00-05:00'],
    ['2026-11-24T14:23:05Z', 'UTC', '2026-11-24T14:23:05+00:00'],
    ['2026-11-24T14:23:05Z', 'Asia/Kolkata', '2026-11-24T19:53:05+05:30'],
    ['2026-11-24T14:23:05Z', 'Asia/Kathmandu', '2026-11-24T20:08:05+05:45'],
    ['2026-11-24T14:23:05Z', 'Pacific/Chatham', '2026-11-25T04:08:05+13:45'],
    ['2026-11-24T14:23:05.250Z', 'Europe/Berlin', '2026-11-24T15:23:05.250+01:00'],
    ['1969-12-31T23:59:59.500Z', 'UTC', '1969-12-31T23:59:59.500+00:00'],
    // Local mean time is no whole number of minutes: written in UTC instead, still exact.
    ['1880-01-01T12:00:00Z', 'America/New_York', '1880-01-01T12:00:00Z'],
    // The years 1 to 99 stay themselves, not 1901 to 1999.
    ['0050-06-01T00:00:00Z', 'UTC', '0050-06-01T00:00:00+00:00'],
    // A local time in the year 10000 is no plain ISO 8601 date: written in UTC.
    ['9999-12-31T23:00:00Z', 'Pacific/Kiritimati', '9999-12-31T23:00:00Z'],
  ])('%s in %s is %s', (instant, zone, expected) => {
    const written = localIsoString(Date.parse(instant), zone);
    expect(written).toBe(expected);
    expect(Date.parse(written)).toBe(Date.parse(instant));
  });
});

describe('export rows', () => {
  it('writes a session with its local times, agents and duration', () => {
    const row = sessionExportRow(
      sessionRecord({
        startedAt: '2026-11-24T14:23:05.000Z',
        endedAt: '2026-11-24T14:43:05.000Z',
        status: 'completed',
      }),
      'America/New_York',
    );
    expect(Object.keys(row)).toEqual([...SESSION_EXPORT_COLUMNS]);
    expect(row).toMatchObject({
      started_at: '2026-11-24T09:23:05-05:00',
      ended_at: '2026-11-24T09:43:05-05:00',
      duration_seconds: 1200,
      status: 'completed',
    });
  });

  it('gives a running session no end and no duration', () => {
    expect(sessionExportRow(sessionRecord({ endedAt: null }), 'UTC')).toMatchObject({
      ended_at: null,
      duration_seconds: null,
    });
  });

  it("writes what the row holds: NULL counts and status stay empty, not 0 or 'unknown'", () => {
    const row = sessionExportRow(
      sessionRecord({ totalAgentsSpawned: null, tasksDelegated: null, status: null }),
      'UTC',
    );
    expect(row).toMatchObject({ total_agents_spawned: null, tasks_delegated: null, status: null });
    const line = csvEncoder(SESSION_EXPORT_COLUMNS).encode([row]);
    const cells = line.trimEnd().split(',');
    expect(
      ['status', 'total_agents_spawned', 'tasks_delegated'].map(
        (column) => cells[SESSION_EXPORT_COLUMNS.indexOf(column as never)],
      ),
    ).toEqual(['', '', '']);
  });

  it('writes every field an event has, and null for those it lacks', () => {
    const event: MonitorEvent = {
      id: 'e1',
      at: '2026-11-24T14:23:05.000Z',
      type: 'agent_spawned',
      origin: 'registry',
      message: 'Senior Developer started',
      role: 'senior_developer',
    };
    expect(eventExportRow(event, 'UTC')).toEqual({
      at: '2026-11-24T14:23:05+00:00',
      type: 'agent_spawned',
      origin: 'registry',
      message: 'Senior Developer started',
      role: 'senior_developer',
      session_id: null,
      model: null,
      id: 'e1',
    });
  });
});

describe('encoders', () => {
  const columns = ['name', 'agents', 'count'];
  const rows = [
    { name: 'a,b', agents: ['ceo', 'cto'], count: 2 },
    { name: null, agents: [], count: 0 },
  ];

  it('writes CSV with a header, CRLF line ends and lists joined by ";"', () => {
    const encoder = csvEncoder(columns);
    expect(encoder.head + encoder.encode(rows) + encoder.tail()).toBe(
      'name,agents,count\r\n"a,b",ceo;cto,2\r\n,"",0\r\n',
    );
  });

  it('writes one JSON array across any number of batches, valid as a whole', () => {
    const encoder = jsonEncoder(columns);
    const text =
      encoder.head +
      encoder.encode(rows.slice(0, 1)) +
      encoder.encode([]) +
      encoder.encode(rows.slice(1)) +
      encoder.tail();
    expect(JSON.parse(text)).toEqual([
      { name: 'a,b', agents: ['ceo', 'cto'], count: 2 },
      { name: null, agents: [], count: 0 },
    ]);
    expect(text).toBe('[\n{"name":"a,b","agents":["ceo","cto"],"count":2},\n{"name":null,"agents":[],"count":0}\n]\n');
  });

  it('writes an empty JSON array when nothing matched', () => {
    const encoder = jsonEncoder(columns);
    expect(JSON.parse(encoder.head + encoder.tail())).toEqual([]);
  });
});
