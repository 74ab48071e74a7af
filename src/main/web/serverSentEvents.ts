import type { ServerResponse } from 'node:http';
import { HttpError, SECURITY_HEADERS } from './httpResponses';

/** What the server allows each server-sent event stream, and how many it serves at once. */
export interface StreamLimits {
  /** Streams open at once; one more is refused with 503. */
  readonly maxStreams: number;
  /** How long a stream may go without its socket draining before it is closed. */
  readonly maxStallMs: number;
  /** Events kept for a stream whose socket is not draining; one more closes it. */
  readonly maxHeldEvents: number;
  /** How often a quiet stream gets a comment line. */
  readonly keepAliveMs: number;
}

/**
 * The bounds, and why. Everything a stream is sent is written to its socket
 * only while the socket keeps draining; a client that stops reading (a frozen
 * tab, a stalled network, a script that never reads) would otherwise make the
 * server keep every snapshot for it, without end. So a stream that is behind
 * costs at most what Node had already accepted when the socket said it was
 * full (16 KiB and the frame being written), the newest snapshot (each one
 * replaces the one before, since it carries the whole state) and
 * `maxHeldEvents` events.
 */
export const STREAM_LIMITS: StreamLimits = {
  // One stream per dashboard tab: far more than anyone watches, and it caps the memory all streams together can hold.
  maxStreams: 32,
  // Two keep-alives' time: a stream this far behind shows an old picture. Closed, the browser reconnects (`retry`) and
  // gets a fresh snapshot first.
  maxStallMs: 30_000,
  // Events are not superseded. Rather than drop some from a stream that goes on as if whole, it is closed, which its
  // client sees (`/api/events` keeps the log).
  maxHeldEvents: 100,
  // Proxies close a connection that has been quiet for a while.
  keepAliveMs: 15_000,
};

/**
 * When a client refused for too many streams may try again: places free as tabs close, and a stalled stream's within
 * `maxStallMs`.
 */
export const STREAM_RETRY_AFTER_S = 10;

/** How a frame relates to the ones before it. */
export type Delivery =
  /** A whole state (a snapshot): a newer one replaces any still waiting, so only the newest is sent. */
  | 'newest-only'
  /** Something that happened (a monitor event): each one is sent, in order. */
  | 'each';

interface HeldFrame {
  readonly event: string;
  readonly text: string;
  readonly delivery: Delivery;
}

/**
 * One open stream: writes while its socket drains, holds a bounded few frames while it does not, closes when that is
 * not enough.
 */
class StreamClient {
  private held: HeldFrame[] = [];
  /** Running while the socket is not draining; closes the stream when it fires. */
  private stallTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly response: ServerResponse,
    private readonly limits: StreamLimits,
  ) {
    response.on('drain', () => {
      this.flush();
    });
  }

  get isBehind(): boolean {
    return this.stallTimer !== null;
  }

  deliver(frame: HeldFrame): void {
    if (!this.isBehind) {
      this.write(frame.text);
      return;
    }
    if (frame.delivery === 'newest-only') {
      this.held = this.held.filter((held) => held.event !== frame.event);
    } else if (this.held.filter((held) => held.delivery === 'each').length >= this.limits.maxHeldEvents) {
      this.close();
      return;
    }
    this.held.push(frame);
  }

  /** Text outside the frames (the retry interval, a keep-alive), sent only while the socket drains. */
  writeLine(text: string): void {
    if (!this.isBehind) this.write(text);
  }

  /** Ends a stream that is keeping up; a stream that is behind would never finish ending, so it is cut. */
  end(): void {
    if (this.isBehind) this.close();
    else this.response.end();
  }

  /**
   * Closes the socket at once, dropping whatever is queued for it; the browser reconnects and starts from a fresh
   * snapshot.
   */
  close(): void {
    this.forget();
    this.response.destroy();
  }

  /** Lets go of what is held, once the stream is closed either way. */
  forget(): void {
    if (this.stallTimer !== null) clearTimeout(this.stallTimer);
    this.stallTimer = null;
    this.held = [];
  }

  private write(text: string): void {
    if (this.response.destroyed || this.response.writableEnded) return;
    if (!this.response.write(text)) this.fallBehind();
  }

  private fallBehind(): void {
    if (this.stallTimer !== null) return;
    this.stallTimer = setTimeout(() => {
      this.close();
    }, this.limits.maxStallMs);
    this.stallTimer.unref();
  }

  /** The socket drained: send what was held, in order, until it is full again. */
  private flush(): void {
    if (this.stallTimer !== null) clearTimeout(this.stallTimer);
    this.stallTimer = null;
    for (let next = this.held.shift(); next !== undefined; next = this.isBehind ? undefined : this.held.shift()) {
      this.write(next.text);
    }
  }
}

/** Open server-sent event streams, each written to as things happen, each within `STREAM_LIMITS`. */
export class ServerSentEvents {
  private readonly clients = new Set<StreamClient>();
  private readonly keepAlive: ReturnType<typeof setInterval>;

  constructor(private readonly limits: StreamLimits = STREAM_LIMITS) {
    // A comment line now and then keeps proxies from closing a quiet stream.
    this.keepAlive = setInterval(() => {
      for (const client of this.clients) client.writeLine(': keep-alive\n\n');
    }, limits.keepAliveMs);
    this.keepAlive.unref();
  }

  /** Starts a stream with `initial` frames; refused with 503 and `Retry-After` when `maxStreams` are open. */
  open(response: ServerResponse, initial: ReadonlyArray<readonly [string, unknown]>): void {
    if (this.clients.size >= this.limits.maxStreams) {
      throw new HttpError(
        503,
        `too many live update streams are open (at most ${String(this.limits.maxStreams)}); close another dashboard tab, or try again later`,
        { 'retry-after': String(STREAM_RETRY_AFTER_S) },
      );
    }
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const client = new StreamClient(response, this.limits);
    this.clients.add(client);
    response.on('close', () => {
      client.forget();
      this.clients.delete(client);
    });
    client.writeLine('retry: 2000\n\n');
    for (const [event, data] of initial) client.deliver({ event, text: frame(event, data), delivery: 'newest-only' });
  }

  send(event: string, data: unknown, delivery: Delivery): void {
    if (this.clients.size === 0) return;
    const text = frame(event, data);
    for (const client of this.clients) client.deliver({ event, text, delivery });
  }

  closeAll(): void {
    clearInterval(this.keepAlive);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
