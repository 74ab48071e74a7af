import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startDemo } from '../../src/main/demo/demoEnvironment';
import { startMonitorService } from '../../src/main/monitor/monitorService';
import { HTTP_ROUTES, TOKEN_HEADER } from '../../src/shared/api';
import { snapshotSchema } from '../../src/shared/model';
import type { MonitorEvent } from '../../src/shared/monitorEvent';
import { runCliProcess, startCliProcess } from '../support/runCliProcess';
import { insertSessions } from '../support/sessionRows';
import { controlKeyIn, stateHome } from '../support/controlKey';

describe('the demo', () => {
  it('gives the monitor live sessions and a month of history within 10 s, with no services', async () => {
    const started = Date.now();
    const demo = await startDemo({ dataDir: null });
    const service = await startMonitorService(
      { kind: 'echo', config: demo.config },
      { timeZone: 'UTC', defaultDataDir: null },
    );
    try {
      const snapshot = service.getSnapshot();
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(snapshot?.sources.postgres.state).toBe('ok');
      expect(snapshot?.summary.activeSessions).toBe(1);
      // The agents beat in agent_status, as ECHO's do.
      expect(snapshot?.summary.agentsFrom).toContain('heartbeat');
      expect(snapshot?.agents?.length).toBeGreaterThan(0);
      expect(demo.backfilled).toBeGreaterThan(100);
      const today = new Date().toISOString().slice(0, 10);
      const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
      const stats = await service.getStats(monthAgo, today);
      expect(stats.totalSessions).toBeGreaterThan(100);
      expect(Object.keys(stats.categoryBreakdown).length).toBe(7);
    } finally {
      await service.close();
      await demo.stop();
    }
  }, 30_000);

  it("gives the monitor measured memory from its Ollama stand-in: the running agents' models, loaded, counting down", async () => {
    const demo = await startDemo({ dataDir: null });
    const service = await startMonitorService(
      { kind: 'echo', config: demo.config },
      { timeZone: 'UTC', defaultDataDir: null },
    );
    try {
      expect(demo.config.ollamaEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const snapshot = service.getSnapshot();
      expect(snapshot?.sources.ollama.state).toBe('ok');
      const models = new Set((snapshot?.agents ?? []).map((agent) => agent.model));
      expect(snapshot?.residentModels?.map((model) => model.name).sort()).toEqual([...models].sort());
      for (const model of snapshot?.residentModels ?? []) {
        expect(model.usedBy.length).toBeGreaterThan(0);
        expect(model.unloadsInSeconds).toBeGreaterThan(240);
        expect(model.unloadsInSeconds).toBeLessThanOrEqual(300);
        // Realistic sizes, not the estimate of 1 GB per billion parameters.
        const estimate = snapshot?.agents?.find((agent) => agent.model === model.name)?.memory.estimatedBytes;
        expect(model.sizeBytes).toBeLessThan(estimate ?? 0);
      }
      expect(snapshot?.summary.measuredMemoryBytes).toBeGreaterThan(0);
    } finally {
      await service.close();
      await demo.stop();
    }
  }, 30_000);

  it("has ECHO's work tables and writes them as ECHO does, with no Redis: a month of tasks, and from its first look an open decision, a workflow and a flow", async () => {
    const demo = await startDemo({ dataDir: null });
    const client = new pg.Client({
      connectionString: demo.config.database.kind === 'url' ? demo.config.database.connectionString : '',
    });
    await client.connect();
    try {
      const { rows: tables } = await client.query<{ name: string }>(
        `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename IN
           ('messages', 'decisions', 'decision_votes', 'llm_sessions', 'workflow_executions', 'flow_executions') ORDER BY 1`,
      );
      expect(tables.map((row) => row.name)).toEqual([
        'decision_votes',
        'decisions',
        'flow_executions',
        'llm_sessions',
        'messages',
        'workflow_executions',
      ]);
      expect(demo.backfilledMessages).toBeGreaterThan(1000);
      // "Tasks per day" has a month of history: the delegator's tasks on every working day.
      const { rows: days } = await client.query<{ days: string }>(
        `SELECT count(DISTINCT inserted_at::date) AS days FROM messages WHERE from_role = 'delegator' AND inserted_at < now() - interval '1 day'`,
      );
      expect(Number(days[0]?.days)).toBeGreaterThanOrEqual(20);
      const count = async (sql: string): Promise<number> =>
        Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`)).rows[0]?.n);
      expect(await count(`decisions WHERE status = 'pending'`)).toBeGreaterThan(0);
      expect(await count(`workflow_executions WHERE status = 'running'`)).toBeGreaterThan(0);
      expect(await count('flow_executions')).toBeGreaterThan(0);
      expect(await count(`messages WHERE processing_error IS NOT NULL AND read`)).toBeGreaterThan(0);
      // Today's tasks to the session's agents, unread until they read them.
      expect(
        await count(`messages WHERE from_role = 'delegator' AND inserted_at > now() - interval '1 minute'`),
      ).toBeGreaterThan(0);
    } finally {
      await client.end();
      await demo.stop();
    }
  }, 30_000);

  it("publishes ECHO's messages on channels inside its process, as ECHO does on Redis: the live stream carries them", async () => {
    const demo = await startDemo({ dataDir: null });
    const service = await startMonitorService(
      { kind: 'echo', config: demo.config },
      { timeZone: 'UTC', defaultDataDir: null },
    );
    try {
      const heard = await new Promise<MonitorEvent>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error('no ECHO message within 30 s'));
        }, 30_000);
        const stop = service.onEvent((event) => {
          if (event.origin !== 'echo') return;
          clearTimeout(timer);
          stop();
          resolve(event);
        });
      });
      expect(['task_delegated', 'agent_message', 'decision_new', 'decision_completed', 'decision_escalated']).toContain(
        heard.type,
      );
      // The same events, kept in the log the dashboard opens with; the demo has no Redis all the same.
      expect(service.getEvents().some((event) => event.id === heard.id)).toBe(true);
      expect(demo.config.registryMode).toBe('sessions');
    } finally {
      await service.close();
      await demo.stop();
    }
  }, 60_000);

  it('keeps its database on disk across runs, backfilling once and closing what a killed run left open', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'demo-'));
    try {
      const first = await startDemo({ dataDir });
      expect(first.backfilled).toBeGreaterThan(0);
      await first.stop();
      // What a killed demo leaves behind: a session still marked active.
      const killed = await PGlite.create(join(dataDir, 'demo-pgdata'));
      await insertSessions(killed, [
        { sessionId: 'left-open', startedAt: new Date(Date.now() - 60_000).toISOString() },
      ]);
      await killed.query(
        `INSERT INTO agent_status (role, status, last_heartbeat) VALUES ('janitor', 'running', now())`,
      );
      await killed.query(
        `INSERT INTO workflow_executions (id, workflow_name, inserted_at, updated_at) VALUES ('wf_left_running', 'hiring_engineer', now(), now())`,
      );
      await killed.query(
        `INSERT INTO decisions (id, decision_type, initiator_role, participants, mode, context, inserted_at, updated_at)
         VALUES ('00000000-0000-4000-8000-000000000001', 'budget_allocation', 'ceo', '{cto,chro}', 'collaborative', '{}', now(), now())`,
      );
      await killed.close();
      const second = await startDemo({ dataDir });
      try {
        expect(second.backfilled).toBe(0);
        expect(second.backfilledMessages).toBe(0);
        const client = new pg.Client({
          connectionString: second.config.database.kind === 'url' ? second.config.database.connectionString : '',
        });
        await client.connect();
        const { rows } = await client.query<{ status: string }>(
          "SELECT status FROM delegator_sessions WHERE session_id = 'left-open'",
        );
        const { rows: agents } = await client.query<{ status: string }>(
          "SELECT status FROM agent_status WHERE role = 'janitor'",
        );
        const { rows: workflows } = await client.query<{ status: string }>(
          "SELECT status FROM workflow_executions WHERE id = 'wf_left_running'",
        );
        const { rows: decisions } = await client.query<{ status: string }>(
          "SELECT status FROM decisions WHERE id = '00000000-0000-4000-8000-000000000001'",
        );
        await client.end();
        expect(rows).toEqual([{ status: 'error' }]);
        expect(agents).toEqual([{ status: 'stopped' }]);
        expect(workflows).toEqual([{ status: 'failed' }]);
        expect(decisions).toEqual([{ status: 'rejected' }]);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('npm run cli -- serve --demo', () => {
  it('serves live sessions to a browser within 10 s, takes commands with its control key, and shuts down on SIGTERM', async () => {
    const started = Date.now();
    const home = await stateHome();
    const cli = startCliProcess(['serve', '--demo', '--port', '0'], { XDG_STATE_HOME: home });
    try {
      const [, url] = await cli.waitFor(/on (http:\/\/127\.0\.0\.1:\d+)\//);
      await cli.waitFor(/^Controls: /m);
      const token = await controlKeyIn(home);
      const response = await fetch(`${url ?? ''}${HTTP_ROUTES.snapshot}`);
      const snapshot = snapshotSchema.parse(await response.json());
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(snapshot.activeSessions?.length).toBe(1);
      const resumed = await fetch(`${url ?? ''}${HTTP_ROUTES.resume}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
        body: '{}',
      });
      expect(resumed.status).toBe(200);
    } finally {
      const run = await cli.stop('SIGTERM');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('SIGTERM: shutting down.');
      await rm(home, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('npm run cli -- status --demo --json', () => {
  it('prints a snapshot of the demo', async () => {
    const run = await runCliProcess(['status', '--demo', '--json'], {});
    const snapshot = snapshotSchema.parse(JSON.parse(run.stdout));
    expect(snapshot.activeSessions).toHaveLength(1);
    expect(snapshot.stats?.totalSessions).toBeGreaterThanOrEqual(1);
    expect(snapshot.sources.registry.state).toBe('no-data');
    // The demo's agents may well not fit this machine's RAM; the exit code says so.
    const critical = snapshot.alerts.some((alert) => alert.severity === 'critical');
    expect(run.code).toBe(critical ? 2 : snapshot.alerts.length > 0 ? 1 : 0);
  }, 30_000);

  it('says, in words, that the demo has no registry, not a setting its user never made', async () => {
    const run = await runCliProcess(['status', '--demo'], {});
    expect(run.stdout).toMatch(/^Registry .*none in the demo, which has no Redis/m);
    expect(run.stdout).not.toContain('REGISTRY_MODE');
  }, 30_000);
});
