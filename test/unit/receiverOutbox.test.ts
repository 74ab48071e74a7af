import { describe, expect, it } from 'vitest';
import type { NotificationIntent } from '../../src/main/core/alerts/engine';
import type { RetryPolicy, TryResult } from '../../src/main/core/alerts/sendQueue';
import { ReceiverOutbox } from '../../src/main/sources/receivers/receiverOutbox';
import type { ReceiverTarget } from '../../src/main/sources/receivers/receiverTargets';
import { ManualTimers, settle } from '../support/manualTimers';
import { recordingLog } from '../support/recordingLog';

const POLICY: RetryPolicy = { maxTries: 3, firstRetryMs: 1000, maxRetryMs: 4000, queueLimit: 10 };
const TARGET: ReceiverTarget = {
  name: 'phone',
  kind: 'ntfy',
  minLevel: 'warning',
  url: new URL('https://ntfy.example/SECRET-topic'),
  token: null,
  timeoutMs: 500,
};

function intent(kind: NotificationIntent['kind'], title: string): NotificationIntent {
  return {
    kind,
    title,
    body: 'b',
    alert: {
      id: 'agent-count',
      rule: 'agent-count',
      severity: 'warning',
      since: '2026-11-24T14:00:00.000Z',
      message: 'm',
      culprit: null,
      suggestedAction: null,
    },
  };
}

/** An outbox whose sends answer from a script, one result per try, on timers a test moves. */
function outboxWith(results: TryResult[]) {
  const timers = new ManualTimers(10_000);
  const { log, lines } = recordingLog('info');
  const tries: string[] = [];
  const delivered: string[] = [];
  const outbox = new ReceiverOutbox({
    target: TARGET,
    send: (message) => {
      tries.push(`${message.body} at ${String(timers.now)}`);
      return Promise.resolve(results.shift() ?? { ok: true });
    },
    policy: POLICY,
    clock: { now: () => timers.now },
    timers,
    onDelivered: (sent) => delivered.push(sent.title),
    log,
  });
  const push = (notice: NotificationIntent): void => {
    if (outbox.takes(notice)) outbox.push({ intent: notice, message: { headers: {}, body: notice.title } });
  };
  return { outbox, timers, lines, tries, delivered, push };
}

const DOWN: TryResult = { ok: false, error: 'answered HTTP 503', retry: true };

describe('ReceiverOutbox', () => {
  it('retries after a growing wait, keeps order, and says down and back once each', async () => {
    const run = outboxWith([DOWN, DOWN]);
    run.push(intent('raised', 'raised'));
    run.push(intent('resolved', 'resolved'));
    await settle(5);
    expect(run.outbox.health()).toMatchObject({ state: 'failing', queued: 2, lastError: 'answered HTTP 503' });
    await run.timers.advance(10_000);
    expect(run.tries).toEqual(['raised at 10000', 'raised at 11000', 'raised at 13000', 'resolved at 13000']);
    expect(run.delivered).toEqual(['raised', 'resolved']);
    expect(run.lines).toEqual([
      'warn receiver phone (ntfy) down: answered HTTP 503',
      'info receiver phone (ntfy) back after 3s',
    ]);
    expect(run.outbox.health()).toMatchObject({ state: 'ok', queued: 0, delivered: 2, dropped: 0 });
    expect(run.lines.join('\n')).not.toContain('SECRET');
  });

  it('gives a notice up after its last try, and goes on with the next', async () => {
    const run = outboxWith([DOWN, DOWN, DOWN]);
    run.push(intent('raised', 'first'));
    run.push(intent('repeat', 'second'));
    await settle(5);
    await run.timers.advance(10_000);
    expect(run.delivered).toEqual(['second']);
    expect(run.lines).toContain('warn receiver phone (ntfy): gave up "first": answered HTTP 503');
    expect(run.outbox.health()).toMatchObject({ state: 'ok', delivered: 1, dropped: 1 });
  });

  it('sends no recovery of a firing it was not sent', async () => {
    const run = outboxWith([]);
    run.push(intent('resolved', 'resolved'));
    await settle(5);
    expect(run.tries).toEqual([]);
  });

  it('lets the queue go out within the grace on closing, then drops the rest and leaves no timer', async () => {
    const run = outboxWith([DOWN]);
    run.push(intent('raised', 'raised'));
    await settle(5);
    const left = run.outbox.drain(500);
    await run.timers.advance(500);
    expect(await left).toBe(1);
    expect(run.timers.waiting()).toEqual([]);
    run.push(intent('repeat', 'after'));
    await settle(5);
    expect(run.tries).toEqual(['raised at 10000']);
  });

  it('closes at once with nothing queued', async () => {
    const run = outboxWith([]);
    expect(await run.outbox.drain(500)).toBe(0);
    expect(run.timers.waiting()).toEqual([]);
  });
});
