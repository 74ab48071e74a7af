import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SILENT_LOGGER } from '../../src/main/core/logger';
import { serveCommands } from '../../src/main/simulator/commandChannel';
import { DelegatorWriter } from '../../src/main/simulator/delegatorWriter';
import { Simulator } from '../../src/main/simulator/simulator';
import { chromiumMissing, launchChromium } from '../support/browser';
import { redisServerMissing } from '../support/needs';
import { controlKeyIn, stateHome } from '../support/controlKey';
import { CONTROL_KEY_PARAMETER } from '../../src/shared/api';
import { refusingAddress } from '../support/deadServers';
import { startCliProcess, type LongRunningCli } from '../support/runCliProcess';
import { insertSessions } from '../support/sessionRows';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { createTestRedis, type TestRedis } from '../support/testRedis';
import { createStandaloneWorkTables } from '../../src/main/sources/postgres/migrate';
import { insertDecision, insertVote, persistWorkflow } from '../support/echoRecords';
import { startRedis, type ControllableServer } from '../support/servers';
import { startFakeOllama, type FakeOllama } from '../support/fakeOllama';
import { psHoldingEchoModels } from './ollamaHolding';
import { layoutProblems } from './layoutChecks';

const ROOT = new URL('../..', import.meta.url).pathname;
const ARTIFACTS = join(ROOT, 'test-results', 'screenshots');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** The resource chart's accessible name. */
const CHART = 'Memory and agents over time';
const missing = chromiumMissing();

let db: TestDatabase;
let redisServer: ControllableServer;
let redis: TestRedis;
let simulator: Simulator;
let commandListener: Redis;
let serve: LongRunningCli;
let url: string;
let controlKey: string;
let home: string;
let browser: Browser;
let ollama: FakeOllama;

async function openDashboard(
  options: { colorScheme?: 'dark' | 'light'; width?: number; height?: number } = {},
): Promise<Page> {
  // bypassCSP only so the test can inject axe-core; the page itself keeps its policy.
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    colorScheme: options.colorScheme ?? 'dark',
    bypassCSP: true,
  });
  const page = await context.newPage();
  // As its user opens it: from the address `serve` keeps beside its control key.
  await page.goto(`${url}#${CONTROL_KEY_PARAMETER}=${controlKey}`);
  await page.getByRole('region', { name: 'Resource summary' }).waitFor({ timeout: 10_000 });
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

describe.skipIf(missing !== null || redisServerMissing() !== null)(
  'the dashboard in Chromium, against serve, real servers and the simulator',
  () => {
    beforeAll(async () => {
      if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html')))
        execFileSync('npx', ['electron-vite', 'build', '--logLevel', 'error'], { cwd: ROOT });
      // A Redis of this file's own: ECHO's channels ignore prefixes, and what is published on them here must reach no
      // other file's monitor.
      [db, redisServer, ollama] = await Promise.all([
        createTestDatabase(),
        startRedis(),
        startFakeOllama({ kind: 'answer', body: psHoldingEchoModels() }),
      ]);
      redis = await createTestRedis(redisServer.url);
      await insertSessions(db.pool, [
        {
          sessionId: 'march-dev',
          category: 'development',
          description: 'Add CSV import for contacts',
          startedAt: '2026-03-10T10:00:00Z',
          endedAt: '2026-03-10T10:12:00Z',
        },
        {
          sessionId: 'march-hr',
          category: 'hr',
          description: 'Draft hiring plan',
          startedAt: '2026-03-10T15:00:00Z',
          endedAt: '2026-03-10T15:03:00Z',
          status: 'error',
        },
      ]);
      const writer = new DelegatorWriter(db.pool, redis.redis, redis.prefix);
      // Slow enough that the first session outlives the tests, fast enough that agents spawn at once.
      simulator = new Simulator({ writer, mode: 'sessions', seed: 21, speed: 0.5, hostName: 'e2e' });
      commandListener = new Redis(redis.url);
      commandListener.on('error', () => undefined);
      await serveCommands(commandListener, redis.prefix, simulator, writer, SILENT_LOGGER);
      await simulator.startWarm();
      home = await stateHome();
      serve = startCliProcess(['serve', '--port', '0'], {
        XDG_STATE_HOME: home,
        DATABASE_URL: db.url,
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix,
        OLLAMA_ENDPOINT: ollama.endpoint,
        MONITOR_POLL_MS: '1000',
        MONITOR_DATA_DIR: join(home, 'monitor-data'),
      });
      url = (await serve.waitFor(/on (http:\/\/127\.0\.0\.1:\d+\/)/))[1] ?? '';
      await serve.waitFor(/^Controls: /m);
      controlKey = await controlKeyIn(home);
      browser = await launchChromium();
    }, 120_000);

    afterAll(async () => {
      await browser.close();
      await serve.stop('SIGTERM');
      await simulator.stop();
      commandListener.disconnect();
      await Promise.all([db.drop(), redis.close()]);
      await redisServer.stop();
      await ollama.close();
      await rm(home, { recursive: true, force: true });
    });

    it('shows the live session and its agents, and the duration ticks', async () => {
      const page = await openDashboard();
      // The key went from the address into the page's storage: in no bookmark or history entry.
      expect(page.url()).toBe(url);
      const active = page.getByRole('region', { name: 'Active Sessions' });
      const duration = active.getByText(/^Duration: /);
      const before = await duration.textContent();
      await page.waitForTimeout(2100);
      expect(await duration.textContent()).not.toBe(before);
      const agents = page.getByRole('region', { name: 'Spawned Agents' }).getByRole('row');
      expect(await agents.count()).toBeGreaterThan(1);
      // The resource chart draws its lines once a couple of samples are in.
      await page
        .getByRole('figure', { name: CHART })
        .locator('svg path.recharts-curve')
        .first()
        .waitFor({ state: 'attached', timeout: 5000 });
      await screenshot(page, 'live-dark');
      await page.context().close();
    });

    it("names each of the chart's lines once, GPU memory on a chart of its own, with a key to its marks", async () => {
      const page = await openDashboard();
      const panel = page.getByRole('region', { name: 'Resource Usage' });
      await panel
        .getByRole('figure', { name: CHART })
        .locator('svg path.recharts-curve')
        .first()
        .waitFor({ state: 'attached', timeout: 5000 });
      const ram = await panel
        .getByRole('figure', { name: CHART })
        .locator('.recharts-legend-item-text')
        .allTextContents();
      expect(ram).toEqual(expect.arrayContaining(['Machine RAM', "Agents' RAM, reported", 'Agents']));
      expect(new Set(ram).size).toBe(ram.length);
      // Ollama puts part of the models in GPU memory: drawn apart, never added to the agents' RAM.
      const gpu = await panel
        .getByRole('figure', { name: 'GPU memory over time' })
        .locator('.recharts-legend-item-text')
        .allTextContents();
      expect(gpu).toContain("Agents' models in GPU memory");
      expect(ram.filter((name) => gpu.includes(name))).toEqual([]);
      const key = panel.getByRole('list', { name: 'Marks on the charts' });
      expect(await key.getByRole('listitem').allTextContents()).toEqual([
        expect.stringMatching(/^Agent spawned \(\d+\)$/),
        expect.stringMatching(/^Agent stopped \(\d+\)$/),
        expect.stringMatching(/^Session started or ended \(\d+\)$/),
      ]);
      await page.context().close();
    });

    it('shows a newly spawned agent without a reload', async () => {
      const page = await openDashboard();
      const agents = page.getByRole('region', { name: 'Spawned Agents' });
      await redis.redis.hset(
        `${redis.prefix}agents`,
        'data_scientist',
        JSON.stringify({ role: 'data_scientist', model: 'llama3.1:70b', spawned_at: new Date().toISOString() }),
      );
      await redis.redis.publish(
        `${redis.prefix}events`,
        JSON.stringify({
          type: 'agent_spawned',
          at: new Date().toISOString(),
          role: 'data_scientist',
          model: 'llama3.1:70b',
        }),
      );
      await agents.getByText('Data Scientist').waitFor({ timeout: 5000 });
      expect(await agents.getByText('llama3.1:70b').count()).toBe(1);
      await page
        .getByRole('log', { name: 'Event stream' })
        .getByText('Data Scientist spawned (llama3.1:70b)')
        .waitFor({ timeout: 5000 });
      // The spawn is marked on the chart once a sample after it is plotted.
      await page
        .getByRole('figure', { name: CHART })
        .locator('svg .chart-marks line')
        .first()
        .waitFor({ state: 'attached', timeout: 5000 });
      await screenshot(page, 'agent-spawned');
      await redis.redis.hdel(`${redis.prefix}agents`, 'data_scientist');
      await page.context().close();
    });

    it('shows the history of the date picked', async () => {
      const page = await openDashboard();
      const history = page.getByRole('region', { name: 'Session History' });
      await history.getByLabel('Date').fill('2026-03-10');
      await history.getByText('Add CSV import for contacts').waitFor({ timeout: 5000 });
      const rows = history.getByRole('row');
      expect(await rows.count()).toBe(3);
      expect(await rows.nth(1).textContent()).toContain('Draft hiring plan');
      await screenshot(page, 'history-picked');
      await history.getByLabel('Date').fill('2026-03-11');
      await history.getByText('No sessions for this date').waitFor({ timeout: 5000 });
      await page.context().close();
    });

    it('is keyboard navigable, and axe finds nothing serious, in dark and light', async () => {
      for (const colorScheme of ['dark', 'light'] as const) {
        const page = await openDashboard({ colorScheme });
        await page.getByRole('button', { name: '7 days' }).focus();
        await page.keyboard.press('Enter');
        expect(await page.getByRole('button', { name: '7 days' }).getAttribute('aria-pressed')).toBe('true');
        await page.addScriptTag({ content: AXE });
        const violations = await page.evaluate(async () => {
          const axe = (
            window as unknown as {
              axe: {
                run: () => Promise<{ violations: Array<{ id: string; impact: string | null; nodes: unknown[] }> }>;
              };
            }
          ).axe;
          const result = await axe.run();
          return result.violations
            .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
            .map((violation) => `${violation.id}: ${JSON.stringify(violation.nodes).slice(0, 300)}`);
        });
        expect(violations).toEqual([]);
        await screenshot(page, `statistics-${colorScheme}`);
        await page.context().close();
      }
    });

    it("shows ECHO's open decisions and workflows from its tables, and its messages live from its channels", async () => {
      // ECHO's own tables, written as its code writes them (see test/support/echoRecords.ts), beside the sessions.
      await createStandaloneWorkTables(db.pool);
      const opened = new Date(Date.now() - 20 * 60_000).toISOString();
      const decisionId = '7d3c2b1a-0000-4000-8000-0000000000e2';
      await insertDecision(db.pool, {
        id: decisionId,
        type: 'budget_approval',
        initiator: 'ceo',
        mode: 'collaborative',
        status: 'pending',
        participants: ['cto', 'chro'],
        at: opened,
      });
      await insertVote(db.pool, decisionId, 'cto', 'approve', new Date().toISOString());
      await persistWorkflow(db.pool, {
        id: 'wf_e2e0a1b2c3d4e5f6',
        name: 'release',
        status: 'paused',
        pauseReason: 'manual gate',
        at: opened,
      });
      const page = await openDashboard();
      const panel = page.getByRole('region', { name: 'Decisions and Workflows' });
      const decisions = panel.getByRole('table', { name: 'Open decisions' });
      await decisions.getByText('budget_approval').waitFor({ timeout: 10_000 });
      expect(await decisions.getByText('1 of 2').count()).toBe(1);
      expect(await panel.getByRole('list', { name: 'Workflows' }).textContent()).toContain(
        'Workflow release (manual gate)',
      );
      // EchoShared.MessageBus.publish_message's JSON (message_bus.ex), as the delegator sends a task.
      const task = {
        db_id: 1,
        id: 'msg_0a1b2c3d4e5f6a7b',
        from: 'delegator',
        to: 'ceo',
        type: 'request',
        subject: 'Plan the quarter',
        content: {},
        metadata: { timestamp: new Date().toISOString() },
      };
      expect(await redis.redis.publish('messages:ceo', JSON.stringify(task))).toBe(1);
      await page
        .getByRole('log', { name: 'Event stream' })
        .getByText('Delegator → CEO: Plan the quarter')
        .waitFor({ timeout: 5000 });
      await screenshot(page, 'echo-work');
      await page.context().close();
    });

    it.each([
      [900, 600],
      [1280, 900],
    ])(
      'fits a %ix%i window with a Stop question open: nothing off its panel, every button whole',
      async (width, height) => {
        const page = await openDashboard({ width, height });
        const agents = page.getByRole('region', { name: 'Spawned Agents' });
        await agents.locator('tr[data-role]').first().waitFor({ timeout: 10_000 });
        await page
          .getByRole('figure', { name: CHART })
          .locator('svg path.recharts-curve')
          .first()
          .waitFor({ state: 'attached', timeout: 5000 });
        // The question is the widest thing a row can show: it must not widen the table.
        await agents
          .getByRole('button', { name: /^Stop / })
          .first()
          .click();
        await page.getByRole('alertdialog').waitFor({ timeout: 5000 });
        expect(await layoutProblems(page)).toEqual([]);
        await screenshot(page, `window-${String(width)}x${String(height)}`);
        await page.keyboard.press('Escape');
        expect(await page.getByRole('alertdialog').count()).toBe(0);
        await page.context().close();
      },
    );

    it('ends a session from the dashboard, after asking, and shows it move to history', async () => {
      const page = await openDashboard();
      const card = page.getByRole('region', { name: 'Active Sessions' }).locator('li.session').first();
      const sessionId = (await card.getAttribute('data-session-id')) ?? '';
      expect(sessionId).not.toBe('');
      await card.getByRole('button', { name: `End session ${sessionId}` }).click();
      const question = page.getByRole('alertdialog', { name: `End session ${sessionId}` });
      expect(await question.textContent()).toMatch(new RegExp(`^End \\w+ session ${sessionId}: `));
      await screenshot(page, 'end-session-confirm');
      await question.getByRole('button', { name: 'End session' }).click();

      await page.locator(`.sessions [data-session-id="${sessionId}"]`).waitFor({ state: 'detached', timeout: 10_000 });
      const row = page.getByRole('region', { name: 'Session History' }).locator(`tr[data-session-id="${sessionId}"]`);
      await row.getByText('completed').waitFor({ timeout: 10_000 });
      await screenshot(page, 'end-session-done');
      await page.context().close();
    });

    it('exports the sessions of a range of days as a CSV download', async () => {
      const page = await openDashboard();
      const panel = page.getByRole('region', { name: 'Export' });
      await panel.getByLabel('From').fill('2026-03-10');
      await panel.getByLabel('To').fill('2026-03-10');
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 10_000 }),
        panel.getByRole('button', { name: 'Export' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('delegator-sessions-2026-03-10-to-2026-03-10.csv');
      const text = readFileSync(await download.path(), 'utf8');
      expect(text.split('\r\n').map((line) => line.split(',')[0])).toEqual(['session_id', 'march-dev', 'march-hr', '']);
      await panel
        .getByRole('status')
        .getByText('Downloading sessions from 2026-03-10 to 2026-03-10 as CSV')
        .waitFor({ timeout: 5000 });
      await page.context().close();
    });

    it('shows the first-run screen when nothing can be reached', async () => {
      const dead = await refusingAddress();
      const lonely = startCliProcess(['serve', '--port', '0'], {
        XDG_STATE_HOME: home,
        DATABASE_URL: `postgres://u@${dead.host}:${String(dead.port)}/db`,
        REDIS_URL: `redis://${dead.host}:${String(dead.port)}`,
        OLLAMA_ENDPOINT: 'off',
        MONITOR_DATA_DIR: join(home, 'monitor-data-lonely'),
      });
      try {
        const lonelyUrl = (await lonely.waitFor(/on (http:\/\/127\.0\.0\.1:\d+\/)/))[1] ?? '';
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
        const page = await context.newPage();
        await page.goto(lonelyUrl);
        await page.getByRole('heading', { name: 'Nothing to monitor yet' }).waitFor({ timeout: 10_000 });
        expect(await page.getByText('npm run demo').count()).toBeGreaterThan(0);
        await screenshot(page, 'first-run');
        await context.close();
      } finally {
        await lonely.stop('SIGTERM');
      }
    }, 30_000);
  },
);
