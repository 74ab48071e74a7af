import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/freePort';
import { prometheusMissing } from '../support/needs';
import { PROMETHEUS } from '../support/packages';
import { startCliProcess, type LongRunningCli } from '../support/runCliProcess';

const RULES = fileURLToPath(new URL('../../deploy/prometheus/alerts.yml', import.meta.url));
const JOB = 'delegator-monitor';
/** The step memory figures were once rounded to: 0.1 GB in bytes. */
const TENTH_OF_A_GB = 107_374_182;

const missing = prometheusMissing();

const labelsSchema = z.record(z.string(), z.string());
const vectorSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('vector'),
    result: z.array(z.object({ metric: labelsSchema, value: z.tuple([z.number(), z.string()]) })),
  }),
});
const targetsSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    activeTargets: z.array(
      z.object({ labels: labelsSchema, scrapeUrl: z.string(), health: z.string(), lastError: z.string() }),
    ),
  }),
});
const rulesSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    groups: z.array(
      z.object({
        name: z.string(),
        file: z.string(),
        rules: z.array(
          z.object({
            type: z.string(),
            name: z.string(),
            labels: labelsSchema.optional(),
            health: z.string(),
            lastError: z.string().optional(),
            lastEvaluation: z.string(),
          }),
        ),
      }),
    ),
  }),
});

let dir = '';
let serve: LongRunningCli | null = null;
let prometheus: ChildProcess | null = null;
let prometheusOutput = '';
let servePort = 0;
let apiPort = 0;

/** A GET of Prometheus' HTTP API, its answer checked against what the API documents. */
async function api<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${apiPort}${path}`);
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return schema.parse(await response.json());
}

const query = async (expression: string) =>
  (await api(`/api/v1/query?query=${encodeURIComponent(expression)}`, vectorSchema)).data.result;

/** Resolves once Prometheus answers as ready; fails at once, with what it said, if it exits. */
async function untilReady(child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${prometheusOutput}`);
    const ready = await fetch(`http://127.0.0.1:${apiPort}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`prometheus was not ready within 60 s: ${prometheusOutput}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(missing !== null)('deploy/prometheus/alerts.yml in a real Prometheus scraping serve --demo', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'delegator-monitor-prometheus-'));
    serve = startCliProcess(['serve', '--demo', '--port', '0'], {});
    const [, port] = await serve.waitFor(/on http:\/\/127\.0\.0\.1:(\d+)\//, 60_000);
    servePort = Number(port);
    apiPort = await freePort();
    // JSON is YAML: the configuration needs no YAML writer.
    const config = {
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      rule_files: [RULES],
      scrape_configs: [{ job_name: JOB, static_configs: [{ targets: [`127.0.0.1:${servePort}`] }] }],
    };
    await writeFile(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
    const child = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${apiPort}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus = child;
    const keep = (chunk: Buffer): void => {
      prometheusOutput = (prometheusOutput + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    await untilReady(child);
  }, 120_000);

  afterAll(async () => {
    const child = prometheus;
    if (child !== null && child.exitCode === null && child.pid !== undefined) {
      const pid = child.pid;
      const exited = new Promise<void>((resolve) =>
        child.once('exit', () => {
          resolve();
        }),
      );
      process.kill(pid, 'SIGTERM');
      // Prometheus closes its storage on SIGTERM; one that hangs there is killed.
      const hung = setTimeout(() => {
        process.kill(pid, 'SIGKILL');
      }, 30_000);
      await exited;
      clearTimeout(hung);
    }
    const run = serve === null ? null : await serve.stop('SIGTERM');
    if (dir) await rm(dir, { recursive: true, force: true });
    // serve shuts down cleanly with Prometheus gone.
    if (run !== null) expect(run.code).toBe(0);
  }, 60_000);

  it('scrapes serve on loopback: the target is up', async () => {
    await expect
      .poll(
        async () =>
          (await api('/api/v1/targets', targetsSchema)).data.activeTargets.map((target) => [
            target.scrapeUrl,
            target.health,
            target.lastError,
          ]),
        {
          timeout: 60_000,
          interval: 500,
        },
      )
      .toEqual([[`http://127.0.0.1:${servePort}/metrics`, 'up', '']]);
    await expect
      .poll(async () => (await query(`up{job="${JOB}"}`)).map((sample) => [sample.metric, sample.value[1]]), {
        timeout: 30_000,
        interval: 500,
      })
      .toEqual([[{ __name__: 'up', instance: `127.0.0.1:${servePort}`, job: JOB }, '1']]);
  }, 120_000);

  it("stores the demo's memory in bytes, each model by where it sits", async () => {
    await expect
      .poll(async () => (await query('delegator_agents_memory_bytes{kind="total"} > 0')).length, {
        timeout: 60_000,
        interval: 500,
      })
      .toBe(1);
    const [total] = await query('delegator_agents_memory_bytes{kind="total"}');
    // The demo's agents take gigabytes: a figure in bytes is past 2^30, and whole.
    expect(Number(total?.value[1])).toBeGreaterThan(2 ** 30);
    expect(Number.isInteger(Number(total?.value[1]))).toBe(true);
    const models = await query('delegator_model_memory_bytes');
    expect(models.length).toBeGreaterThan(0);
    expect([...new Set(models.map((sample) => sample.metric.memory))].sort()).toEqual(['ram', 'vram']);
    for (const sample of models)
      expect(sample.metric).toMatchObject({
        instance: `127.0.0.1:${servePort}`,
        job: JOB,
        model: expect.any(String) as unknown,
      });
    // The demo's agents are real processes: what each holds is read to the byte, not to the 0.1 GB (107,374,182 bytes)
    // it was once rounded to.
    await expect
      .poll(async () => (await query('delegator_agent_memory_bytes{reading="process"}')).length, {
        timeout: 60_000,
        interval: 500,
      })
      .toBeGreaterThan(0);
    const processes = await query('delegator_agent_memory_bytes{reading="process"}');
    for (const sample of processes) {
      const bytes = Number(sample.value[1]);
      expect(Number.isInteger(bytes)).toBe(true);
      expect(bytes).toBeGreaterThan(0);
      expect(bytes % TENTH_OF_A_GB).not.toBe(0);
    }
  }, 120_000);

  // A rule whose series do not match evaluates as "ok" and never fires: each measure the rules compare must find the
  // scraped figures.
  it.each([
    [
      'memory-vs-ram',
      'round(delegator_agents_memory_bytes{kind="ram"} / ignoring(kind) (delegator_machine_memory_bytes > 0) * 100, 0.1)',
    ],
    ['free-memory', 'delegator_machine_memory_available_bytes / (delegator_machine_memory_bytes > 0) * 100'],
    ['agent-count', 'delegator_agents'],
    ['long-session', '(time() - delegator_sessions_active_oldest_start_time_seconds) / 3600'],
    ['source-unavailable', 'delegator_source_up{source="postgres"}'],
  ])(
    'the %s rule finds the scraped figures it compares',
    async (_rule, measure) => {
      expect(readFileSync(RULES, 'utf8')).toContain(measure);
      await expect.poll(async () => (await query(measure)).length, { timeout: 60_000, interval: 500 }).toBe(1);
      const [sample] = await query(measure);
      expect(sample?.metric).toMatchObject({ instance: `127.0.0.1:${servePort}`, job: JOB });
      expect(Number(sample?.value[1])).toBeGreaterThanOrEqual(0);
    },
    120_000,
  );

  it('evaluates every shipped rule on the scraped series without an error', async () => {
    // Every rule has been evaluated since the series arrived.
    await expect.poll(async () => (await query('delegator_agents')).length, { timeout: 60_000, interval: 500 }).toBe(1);
    const dataSeenAt = Date.now();
    const evaluatedSince = async () => {
      const { groups } = (await api('/api/v1/rules', rulesSchema)).data;
      const rules = groups.flatMap((group) => group.rules);
      return rules.length > 0 && rules.every((rule) => Date.parse(rule.lastEvaluation) > dataSeenAt);
    };
    await expect.poll(evaluatedSince, { timeout: 60_000, interval: 500 }).toBe(true);
    const { groups } = (await api('/api/v1/rules', rulesSchema)).data;
    expect(groups.map((group) => [group.name, group.file])).toEqual([['delegator-monitor', RULES]]);
    const rules = groups.flatMap((group) => group.rules);
    expect(rules.map((rule) => `${rule.name} ${rule.labels?.severity ?? ''}`)).toEqual([
      'DelegatorAgentsMemoryHigh warning',
      'DelegatorAgentsMemoryHigh critical',
      'DelegatorFreeMemoryLow warning',
      'DelegatorFreeMemoryLow critical',
      'DelegatorMemoryPressure warning',
      'DelegatorMemoryPressure critical',
      'DelegatorGpuMemoryHigh warning',
      'DelegatorGpuMemoryHigh critical',
      'DelegatorTooManyAgents warning',
      'DelegatorTooManyAgents critical',
      'DelegatorLongSession warning',
      'DelegatorLongSession critical',
      'DelegatorSourceUnavailable critical',
      'DelegatorSourceUnavailable warning',
      'DelegatorMonitorDown critical',
    ]);
    for (const rule of rules)
      expect([rule.name, rule.type, rule.health, rule.lastError ?? '']).toEqual([rule.name, 'alerting', 'ok', '']);
  }, 120_000);
});
