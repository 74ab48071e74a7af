import { Redis } from 'ioredis';
import { HTTP_ROUTES } from '../src/shared/api';
import type { Snapshot } from '../src/shared/model';
import { openEventStream } from '../test/support/http';
import type { LongRunningCli } from '../test/support/runCliProcess';
import { percentile, progress, round } from './stats';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when a snapshot satisfying `test` arrives on the stream. */
function snapshotWaiter(): {
  next(test: (snapshot: Snapshot) => boolean, timeoutMs: number): Promise<number>;
  feed(snapshot: Snapshot): void;
} {
  let waiting: { test: (snapshot: Snapshot) => boolean; resolve: (at: number) => void } | null = null;
  return {
    next(test, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting = null;
          reject(new Error(`no such snapshot within ${String(timeoutMs)} ms`));
        }, timeoutMs);
        waiting = {
          test,
          resolve: (at) => {
            clearTimeout(timer);
            resolve(at);
          },
        };
      });
    },
    feed(snapshot) {
      const at = performance.now();
      if (waiting?.test(snapshot)) {
        const done = waiting;
        waiting = null;
        done.resolve(at);
      }
    },
  };
}

const hasModel = (model: string) => (snapshot: Snapshot) =>
  (snapshot.agents ?? []).some((agent) => agent.role === 'bench_agent' && agent.model === model);

/**
 * A registry change with its announcement, timed to the snapshot that shows it
 * arriving over server-sent events from `serve`; and the same change with no
 * announcement, which only the next poll finds, as the seed's dashboard works.
 */
export async function measureEventToScreen(
  serve: { url: string; cli: LongRunningCli },
  redisUrl: string,
  prefix: string,
  events: number,
  pollOnlySamples: number,
) {
  const port = Number(new URL(serve.url).port);
  const waiter = snapshotWaiter();
  const close = await openEventStream(port, HTTP_ROUTES.stream, (event) => {
    if (event.event === 'snapshot') waiter.feed(event.data as Snapshot);
  });
  const redis = new Redis(redisUrl);
  const subscriber = new Redis(redisUrl);
  for (const client of [redis, subscriber]) client.on('error', () => undefined);
  const agents = `${prefix}agents`;
  const channel = `${prefix}events`;
  const change = (model: string) =>
    redis.hset(
      agents,
      'bench_agent',
      JSON.stringify({ role: 'bench_agent', model, spawned_at: new Date().toISOString() }),
    );
  const announce = () =>
    redis.publish(
      channel,
      JSON.stringify({ type: 'agent_spawned', at: new Date().toISOString(), role: 'bench_agent' }),
    );
  try {
    await change('warmup:1b');
    await announce();
    await waiter.next(hasModel('warmup:1b'), 10_000);
    const latencies: number[] = [];
    progress(`event to screen: ${String(events)} announced changes`);
    for (let index = 0; index < events; index += 1) {
      const model = `event${String(index)}:7b`;
      const started = performance.now();
      const seen = waiter.next(hasModel(model), 10_000);
      await change(model);
      await announce();
      latencies.push((await seen) - started);
      // Spawns come a few at a time with gaps; never faster than the monitor's debounce.
      await pause(index % 5 === 4 ? 300 : 60);
    }
    progress('event to screen: the floor (PUBLISH to a subscriber, then HGETALL)');
    const floor: number[] = [];
    await subscriber.subscribe(`${prefix}bench-floor`);
    for (let index = 0; index < events; index += 1) {
      const started = performance.now();
      const received = new Promise<void>((resolve) =>
        subscriber.once('message', () => {
          resolve();
        }),
      );
      await redis.publish(`${prefix}bench-floor`, 'x');
      await received;
      await redis.hgetall(agents);
      floor.push(performance.now() - started);
    }
    progress(`event to screen: ${String(pollOnlySamples)} unannounced changes (poll only)`);
    const pollOnly: number[] = [];
    for (let index = 0; index < pollOnlySamples; index += 1) {
      const model = `quiet${String(index)}:7b`;
      const started = performance.now();
      const seen = waiter.next(hasModel(model), 30_000);
      await change(model);
      pollOnly.push((await seen) - started);
      await pause(Math.random() * 1000);
    }
    return {
      eventToSnapshot: {
        p50Ms: round(percentile(latencies, 50)),
        p99Ms: round(percentile(latencies, 99)),
        floorP50Ms: round(percentile(floor, 50), 3),
        floorP99Ms: round(percentile(floor, 99), 3),
        samples: latencies.length,
      },
      pollOnlyToSnapshot: {
        p50Ms: round(percentile(pollOnly, 50)),
        p99Ms: round(percentile(pollOnly, 99)),
        samples: pollOnly.length,
      },
    };
  } finally {
    close();
    redis.disconnect();
    subscriber.disconnect();
  }
}
