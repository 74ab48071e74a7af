import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHttpMonitorApi } from '../../src/renderer/src/api/httpMonitorApi';
import { STREAM_EVENTS } from '../../src/shared/api';
import type { Snapshot } from '../../src/shared/model';
import { snapshotAt } from '../support/snapshots';

/**
 * A stand-in for the browser's EventSource, as the HTML standard has it: a
 * stream refused with a status other than 200 "fails the connection" (its
 * readyState becomes CLOSED, then `error` fires) and is never retried; a
 * dropped one is retried by the browser itself (readyState CONNECTING).
 */
class StandInEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static made: StandInEventSource[] = [];
  readyState = StandInEventSource.CONNECTING;

  constructor(readonly url: string) {
    super();
    StandInEventSource.made.push(this);
  }

  refuse(): void {
    this.readyState = StandInEventSource.CLOSED;
    this.dispatchEvent(new Event('error'));
  }

  drop(): void {
    this.readyState = StandInEventSource.CONNECTING;
    this.dispatchEvent(new Event('error'));
  }

  deliver(event: string, data: unknown): void {
    this.readyState = StandInEventSource.OPEN;
    this.dispatchEvent(new MessageEvent(event, { data: JSON.stringify(data) }));
  }

  close(): void {
    this.readyState = StandInEventSource.CLOSED;
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  StandInEventSource.made = [];
  vi.stubGlobal('EventSource', StandInEventSource);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("the browser's live updates", () => {
  it('try again after a while when the web host refuses the stream, which a browser never does by itself', async () => {
    const received: Snapshot[] = [];
    const stop = createHttpMonitorApi().onSnapshot((snapshot) => received.push(snapshot));
    StandInEventSource.made[0]?.refuse();
    await vi.advanceTimersByTimeAsync(9_000);
    expect(StandInEventSource.made).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(StandInEventSource.made).toHaveLength(2);
    const snapshot = snapshotAt(Date.parse('2026-11-24T14:28:28Z'));
    StandInEventSource.made[1]?.deliver(STREAM_EVENTS.snapshot, snapshot);
    expect(received.map((shown) => shown.takenAt)).toEqual([snapshot.takenAt]);
    stop();
  });

  it("leave a dropped stream to the browser's own retry, and stop trying once nobody listens", async () => {
    const stop = createHttpMonitorApi().onSnapshot(() => undefined);
    StandInEventSource.made[0]?.drop();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(StandInEventSource.made).toHaveLength(1);
    StandInEventSource.made[0]?.refuse();
    stop();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(StandInEventSource.made).toHaveLength(1);
  });
});
