import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/main/config';
import type { NotificationIntent } from '../../src/main/core/alerts/engine';
import type { RetryPolicy } from '../../src/main/core/alerts/sendQueue';
import { startMonitorService, type MonitorService } from '../../src/main/monitor/monitorService';
import { DELIVERY_LEDGER_FILE } from '../../src/main/sources/receivers/alertDelivery';
import { RECORDED_PS, startFakeOllama, type FakeOllama } from '../support/fakeOllama';
import { recordingLog } from '../support/recordingLog';
import { insertSessions } from '../support/sessionRows';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

/** How a test receiver answers its nth request (from 0): a status after a while, or never. */
type Answer = { readonly status: number; readonly body?: string; readonly delayMs?: number } | 'hang';

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface TestReceiver {
  readonly url: string;
  readonly received: Received[];
  /** Requests answered so far (a hanging one never is). */
  answered: number;
  answer: (index: number) => Answer;
}

const receivers: { close(): Promise<void> }[] = [];

/** A receiver on loopback that records each request and answers as its test says; stopped after each test. */
async function startReceiver(answer: (index: number) => Answer = () => ({ status: 200 })): Promise<TestReceiver> {
  const sockets = new Set<Socket>();
  const receiver: TestReceiver = { url: '', received: [], answered: 0, answer };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const index = receiver.received.length;
      receiver.received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const reply = receiver.answer(index);
      if (reply === 'hang') return;
      setTimeout(() => {
        if (response.destroyed) return;
        response.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.body ?? 'ok');
        receiver.answered += 1;
      }, reply.delayMs ?? 0);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  Object.assign(receiver, { url: `http://127.0.0.1:${String(port)}` });
  receivers.push({
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  });
  return receiver;
}

/** Only the rules this file drives: this machine's memory, whatever it is, raises nothing here. */
const ALERTS = JSON.stringify({
  pendingPolls: 1,
  memoryPctOfRam: { enabled: false },
  freeRamPct: { enabled: false },
  gpuMemoryPct: { enabled: false },
  agentCount: { enabled: false },
});

const QUICK_RETRY: RetryPolicy = { maxTries: 3, firstRetryMs: 100, maxRetryMs: 200, queueLimit: 20 };

let db: TestDatabase;
let ollama: FakeOllama;
let secrets: string;
const services = new Set<MonitorService>();

beforeAll(async () => {
  [db, ollama, secrets] = await Promise.all([
    createTestDatabase(),
    startFakeOllama(),
    mkdtemp(join(tmpdir(), 'receiver-test-')),
  ]);
});

afterEach(async () => {
  await Promise.all([...services].map((service) => service.close()));
  services.clear();
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  ollama.behave({ kind: 'answer', body: RECORDED_PS });
  await db.pool.query(
    `UPDATE delegator_sessions SET ended_at = now() AT TIME ZONE 'utc', status = 'completed' WHERE ended_at IS NULL`,
  );
});

afterAll(async () => {
  await Promise.all([db.drop(), ollama.close(), rm(secrets, { recursive: true, force: true })]);
});

function secretFile(name: string, text: string, mode = 0o600): string {
  const path = join(secrets, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

interface Run {
  readonly service: MonitorService;
  readonly lines: string[];
  readonly heard: NotificationIntent[];
  close(): Promise<void>;
}

async function startWith(
  receiverSettings: readonly object[],
  options: { dataDir?: string; retry?: RetryPolicy } = {},
): Promise<Run> {
  const config = loadConfig({
    MONITOR_AGENT_PROCESSES: 'off',
    DATABASE_URL: db.url,
    REGISTRY_MODE: 'sessions',
    OLLAMA_ENDPOINT: ollama.endpoint,
    MONITOR_POLL_MS: '60000',
    MONITOR_ALERTS: ALERTS,
    MONITOR_ALERT_RECEIVERS: JSON.stringify(receiverSettings),
    ...(options.dataDir === undefined ? {} : { MONITOR_DATA_DIR: options.dataDir }),
  });
  const { log, lines } = recordingLog('info');
  const heard: NotificationIntent[] = [];
  const service = await startMonitorService(
    { kind: 'echo', config },
    {
      timeZone: 'UTC',
      defaultDataDir: null,
      log,
      receiverTiming: { retry: options.retry ?? QUICK_RETRY, closeGraceMs: 500 },
      beforeFirstPoll: (started) => started.onNotification((intent) => heard.push(intent)),
    },
  );
  services.add(service);
  return {
    service,
    lines,
    heard,
    async close() {
      services.delete(service);
      await service.close();
    },
  };
}

/** Ollama fails, and the next poll raises its source alert (a warning), or it answers again and the alert resolves. */
async function ollamaDown(run: Run): Promise<NotificationIntent> {
  ollama.behave({ kind: 'answer', status: 500, body: 'down for the test' });
  await run.service.monitor.pollNow();
  const raised = run.heard.findLast((intent) => intent.alert.id === 'source-unavailable:ollama');
  expect(raised?.kind).toBe('raised');
  return raised as NotificationIntent;
}

async function ollamaBack(run: Run): Promise<void> {
  ollama.behave({ kind: 'answer', body: RECORDED_PS });
  await run.service.monitor.pollNow();
  expect(run.heard.at(-1)).toMatchObject({ kind: 'resolved', alert: { id: 'source-unavailable:ollama' } });
}

const slackEscaped = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** How long a poll takes, in ms. */
async function timedPoll(run: Run): Promise<number> {
  const started = performance.now();
  await run.service.monitor.pollNow();
  return performance.now() - started;
}

describe('alert receivers', () => {
  it('sends each kind its own format: the generic webhook, ntfy and Slack, firing and recovery', async () => {
    const [hook, ntfy, slack] = await Promise.all([startReceiver(), startReceiver(), startReceiver()]);
    const slackUrl = secretFile('slack-url', `${slack.url}/services/T000/B000/SLACKSECRET\n`);
    const ntfyToken = secretFile('ntfy-token', 'tk_NTFYSECRET\n');
    const run = await startWith([
      { kind: 'webhook', url: `${hook.url}/hook`, token: 'HOOKSECRET' },
      { kind: 'ntfy', url: `${ntfy.url}/alerts-topic`, tokenFile: ntfyToken },
      { kind: 'slack', urlFile: slackUrl },
    ]);
    const raised = await ollamaDown(run);
    await expect.poll(() => [hook, ntfy, slack].map((receiver) => receiver.received.length)).toEqual([1, 1, 1]);
    const host = hostname();
    expect(raised.title).toBe('Warning: Ollama');

    const [hookRaised, ntfyRaised, slackRaised] = [hook, ntfy, slack].map((receiver) => receiver.received[0]);
    expect(hookRaised?.path).toBe('/hook');
    expect(hookRaised?.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer HOOKSECRET',
      'user-agent': 'delegator-monitor',
    });
    expect(hookRaised?.body).toBe(
      JSON.stringify({
        kind: 'raised',
        id: 'source-unavailable:ollama',
        rule: 'source-unavailable',
        severity: 'warning',
        title: 'Warning: Ollama',
        body: raised.body,
        message: raised.alert.message,
        since: raised.alert.since,
        culprit: { kind: 'source', id: 'ollama', label: 'Ollama' },
        suggestedAction: 'Check that Ollama is running and reachable',
        host,
      }),
    );
    expect(raised.body).toBe(`${raised.alert.message} Check that Ollama is running and reachable.`);

    expect(ntfyRaised?.path).toBe('/alerts-topic');
    expect(ntfyRaised?.headers).toMatchObject({
      'content-type': 'text/plain; charset=utf-8',
      title: 'Warning: Ollama',
      priority: '4',
      tags: `warning,source-unavailable,${host}`,
      authorization: 'Bearer tk_NTFYSECRET',
    });
    expect(ntfyRaised?.body).toBe(raised.body);

    expect(slackRaised?.path).toBe('/services/T000/B000/SLACKSECRET');
    expect(slackRaised?.headers.authorization).toBeUndefined();
    const slackText = `:warning: *Warning: Ollama*\n${slackEscaped(raised.body)}`;
    expect(slackRaised?.body).toBe(
      JSON.stringify({
        text: slackText,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: slackText } },
          {
            type: 'context',
            elements: [{ type: 'mrkdwn', text: `source-unavailable · since ${raised.alert.since} · ${host}` }],
          },
        ],
      }),
    );

    await ollamaBack(run);
    await expect.poll(() => [hook, ntfy, slack].map((receiver) => receiver.received.length)).toEqual([2, 2, 2]);
    const resolved = run.heard.at(-1) as NotificationIntent;
    expect(JSON.parse(hook.received[1]?.body ?? '')).toMatchObject({
      kind: 'resolved',
      title: 'Recovered: Ollama',
      body: resolved.body,
      since: raised.alert.since,
    });
    expect(ntfy.received[1]?.headers).toMatchObject({
      title: 'Recovered: Ollama',
      priority: '3',
      tags: `white_check_mark,source-unavailable,${host}`,
    });
    expect(JSON.parse(slack.received[1]?.body ?? '')).toMatchObject({
      text: `:white_check_mark: *Recovered: Ollama*\n${slackEscaped(resolved.body)}`,
    });

    await run.close();
    const log = run.lines.join('\n');
    expect(log).toContain('sending alerts to webhook, ntfy, slack');
    for (const secret of ['SLACKSECRET', 'NTFYSECRET', 'HOOKSECRET']) expect(log).not.toContain(secret);
  });

  it("honours each receiver's minimum level: a critical-only one hears neither warnings nor their recovery", async () => {
    const [everything, criticalOnly] = await Promise.all([startReceiver(), startReceiver()]);
    const run = await startWith([
      { kind: 'webhook', name: 'all', url: everything.url },
      { kind: 'webhook', name: 'pager', url: criticalOnly.url, minLevel: 'critical' },
    ]);
    await ollamaDown(run);
    await insertSessions(db.pool, [
      {
        sessionId: 'long-one',
        description: 'Nine hours of work',
        agents: ['senior_developer'],
        startedAt: new Date(Date.now() - 9 * 3_600_000).toISOString(),
      },
    ]);
    await run.service.monitor.pollNow();
    await ollamaBack(run);
    await db.pool.query(
      `UPDATE delegator_sessions SET ended_at = now() AT TIME ZONE 'utc', status = 'completed' WHERE session_id = 'long-one'`,
    );
    await run.service.monitor.pollNow();
    const told = (receiver: TestReceiver): string[] =>
      receiver.received.map((request) => {
        const notice = JSON.parse(request.body) as { kind: string; title: string };
        return `${notice.kind} ${notice.title}`;
      });
    await expect.poll(() => told(everything)).toHaveLength(4);
    expect(told(everything)).toEqual([
      'raised Warning: Ollama',
      'raised Critical: Nine hours of work',
      'resolved Recovered: Ollama',
      'resolved Recovered: Nine hours of work',
    ]);
    await expect
      .poll(() => told(criticalOnly))
      .toEqual(['raised Critical: Nine hours of work', 'resolved Recovered: Nine hours of work']);
  });

  it('times out a receiver that never answers and retries it, while the monitor goes on polling', async () => {
    const hanging = await startReceiver(() => 'hang');
    const run = await startWith([{ kind: 'ntfy', url: `${hanging.url}/topic`, timeoutMs: 300 }]);
    await ollamaDown(run);
    for (let poll = 0; poll < 3; poll += 1) expect(await timedPoll(run)).toBeLessThan(2000);
    await expect.poll(() => hanging.received.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    const snapshot = await run.service.monitor.pollNow();
    expect(snapshot.receivers?.[0]).toMatchObject({
      name: 'ntfy',
      state: 'failing',
      lastError: 'no answer within 300 ms',
    });
    await expect.poll(() => hanging.received.length, { timeout: 5000 }).toBe(QUICK_RETRY.maxTries);
    await expect.poll(() => run.lines.filter((line) => line.includes('gave up')).length).toBe(1);
    expect(run.lines.filter((line) => line.includes('receiver ntfy down'))).toEqual([
      'warn monitor: receiver ntfy down: no answer within 300 ms',
    ]);
    const started = performance.now();
    await run.close();
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('retries a receiver that answers 500, and delivers the notice once when it answers 200', async () => {
    const flaky = await startReceiver((index) => (index === 0 ? { status: 500, body: 'busy' } : { status: 200 }));
    const run = await startWith([{ kind: 'webhook', url: flaky.url }]);
    await ollamaDown(run);
    await expect.poll(() => flaky.answered).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(flaky.received).toHaveLength(2);
    expect(flaky.received[1]?.body).toBe(flaky.received[0]?.body);
    const snapshot = await run.service.monitor.pollNow();
    expect(snapshot.receivers?.[0]).toMatchObject({ state: 'ok', queued: 0, delivered: 1, dropped: 0 });
    expect(run.lines.filter((line) => line.includes('receiver webhook'))).toEqual([
      'warn monitor: receiver webhook down: answered HTTP 500: busy',
      expect.stringMatching(/^info monitor: receiver webhook back after \d+s$/),
    ]);
  });

  it('waits for a slow receiver without holding a poll, and sends once', async () => {
    const slow = await startReceiver(() => ({ status: 200, delayMs: 1500 }));
    const run = await startWith([{ kind: 'webhook', url: slow.url, timeoutMs: 5000 }]);
    await ollamaDown(run);
    await expect.poll(() => slow.received.length).toBe(1);
    const snapshot = await run.service.monitor.pollNow();
    expect(slow.answered).toBe(0);
    expect(snapshot.receivers?.[0]).toMatchObject({ state: 'ok', queued: 1, delivered: 0 });
    await expect.poll(() => slow.answered, { timeout: 5000 }).toBe(1);
    await expect.poll(async () => (await run.service.monitor.pollNow()).receivers?.[0]?.delivered).toBe(1);
    expect(slow.received).toHaveLength(1);
  });

  it('shows a receiver that is down as down in the snapshot, and as back once it takes the notice', async () => {
    let down = true;
    const receiver = await startReceiver(() => (down ? { status: 503, body: 'maintenance' } : { status: 200 }));
    const patient: RetryPolicy = { maxTries: 50, firstRetryMs: 100, maxRetryMs: 100, queueLimit: 20 };
    const run = await startWith([{ kind: 'webhook', name: 'ops', url: receiver.url }], { retry: patient });
    await ollamaDown(run);
    await expect.poll(() => receiver.received.length).toBeGreaterThanOrEqual(3);
    const failing = await run.service.monitor.pollNow();
    expect(failing.receivers).toEqual([
      {
        name: 'ops',
        kind: 'webhook',
        minLevel: 'warning',
        state: 'failing',
        failingSince: expect.any(String),
        lastError: 'answered HTTP 503: maintenance',
        lastOkAt: null,
        queued: 1,
        delivered: 0,
        dropped: 0,
      },
    ]);
    down = false;
    await expect.poll(async () => (await run.service.monitor.pollNow()).receivers?.[0]?.state).toBe('ok');
    expect(run.service.getSnapshot()?.receivers?.[0]).toMatchObject({
      failingSince: null,
      lastOkAt: expect.any(String),
      queued: 0,
      delivered: 1,
    });
    expect(run.lines.filter((line) => line.includes('receiver ops'))).toEqual([
      'warn monitor: receiver ops (webhook) down: answered HTTP 503: maintenance',
      expect.stringMatching(/^info monitor: receiver ops \(webhook\) back after \d+s$/),
    ]);
  });

  it('follows no redirect, and gives up at once what no retry can change', async () => {
    const elsewhere = await startReceiver();
    const moved = await startReceiver(() => ({ status: 200 }));
    const server = createServer((_request, response) => {
      response.writeHead(307, { location: `${elsewhere.url}/stolen` }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receivers.push({
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
        }),
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const run = await startWith([
      { kind: 'webhook', name: 'redirecting', url: `http://127.0.0.1:${String(port)}/hook` },
      { kind: 'webhook', name: 'good', url: moved.url },
    ]);
    await ollamaDown(run);
    await expect
      .poll(() => run.lines.filter((line) => line.includes('gave up')))
      .toEqual([
        'warn monitor: receiver redirecting (webhook): gave up "Warning: Ollama": answered with a redirect (HTTP 307), not followed',
      ]);
    await expect.poll(() => moved.received.length).toBe(1);
    expect(elsewhere.received).toEqual([]);
    expect((await run.service.monitor.pollNow()).receivers?.[0]).toMatchObject({ state: 'failing', dropped: 1 });
  });

  it('sends nothing twice across a restart with the same data folder; without one, it cannot tell', async () => {
    const hook = await startReceiver();
    const dataDir = await mkdtemp(join(tmpdir(), 'receiver-data-'));
    const kinds = (): string[] => hook.received.map((request) => (JSON.parse(request.body) as { kind: string }).kind);
    try {
      const first = await startWith([{ kind: 'webhook', url: hook.url }], { dataDir });
      await ollamaDown(first);
      await expect.poll(kinds).toEqual(['raised']);
      await first.close();
      expect(existsSync(join(dataDir, DELIVERY_LEDGER_FILE))).toBe(true);

      // Ollama is still down: the new monitor raises the alert again, and the receiver, told of it already, is not.
      const second = await startWith([{ kind: 'webhook', url: hook.url }], { dataDir });
      await second.service.monitor.pollNow();
      expect(second.heard.map((intent) => intent.kind)).toEqual(['raised']);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(kinds()).toEqual(['raised']);
      await ollamaBack(second);
      await expect.poll(kinds).toEqual(['raised', 'resolved']);
      await second.close();

      // Told over: the next firing is news.
      const third = await startWith([{ kind: 'webhook', url: hook.url }], { dataDir });
      await ollamaDown(third);
      await expect.poll(kinds).toEqual(['raised', 'resolved', 'raised']);
      await third.close();

      // In memory only, a restart cannot know what was sent.
      const forgetful = await startWith([{ kind: 'webhook', url: hook.url }]);
      await forgetful.service.monitor.pollNow();
      await expect.poll(kinds).toEqual(['raised', 'resolved', 'raised', 'raised']);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a secret file that others may read, with a configuration error naming the receiver', async () => {
    const tokenFile = secretFile('loose-token', 'tk_LOOSE\n', 0o644);
    await expect(startWith([{ kind: 'ntfy', url: 'http://127.0.0.1:9/topic', tokenFile }])).rejects.toThrow(
      new ConfigError(
        'Invalid configuration: MONITOR_ALERT_RECEIVERS receiver ntfy: tokenFile can be read or written by others (mode 0644): chmod 600 it',
      ),
    );
  });
});
