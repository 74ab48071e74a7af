import { createServer, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { SILENT_LOGGER, type Logger } from '../core/logger';
import {
  BackendTracker,
  closeStatement,
  fatal,
  FrameReader,
  simpleQuery,
  StatementNames,
  SYNC,
  type Frame,
} from './sessionFrames';

export interface SessionServerOptions {
  readonly host: string;
  /** 0, or none, takes a free port. */
  readonly port?: number;
  readonly maxConnections?: number;
  /**
   * How long a connection may keep the session to itself while it sends
   * nothing: inside a transaction block, or in the middle of an exchange.
   * Past it the connection is closed (its transaction rolled back), as
   * PostgreSQL's idle_in_transaction_session_timeout would, so one stalled
   * client cannot stop the demo.
   */
  readonly idleHoldMs?: number;
  /** Where a connection's failure, or the server's, is told; none by default. */
  readonly log?: Logger;
}

export interface SessionServer {
  /** `host:port`, for a connection string. */
  readonly address: string;
  /** Closes every connection, once each has given the session back; the database stays open. */
  stop(): Promise<void>;
}

type Release = () => void;

const DEFAULT_MAX_CONNECTIONS = 32;
const DEFAULT_IDLE_HOLD_MS = 10_000;
/** How long a connection closed by the server has to read why before its socket is destroyed. */
const GOODBYE_MS = 1000;

/**
 * The session to one connection alone until it gives it back. PGlite's own
 * queries and transactions take these two locks, in this order, for as long
 * as they run: holding both, no query of the demo's writers runs inside a
 * connection's exchange, nor a connection's inside a writer's transaction.
 */
function holdSession(db: PGlite): Promise<Release> {
  return new Promise((resolve, reject) => {
    db._runExclusiveTransaction(() =>
      db.runExclusive(
        () =>
          new Promise<void>((release) => {
            resolve(release);
          }),
      ),
    ).catch(reject);
  });
}

/**
 * One client connection, sharing PGlite's single backend session with every
 * other and with the demo's own writers. It holds the session from its first
 * message of an exchange to the ReadyForQuery that ends it, and, inside a
 * transaction block, to the end of the block; its prepared statements go
 * under names of its own (StatementNames), deallocated when it closes.
 */
class Connection {
  private readonly reader = new FrameReader();
  private readonly backend = new BackendTracker();
  private readonly names: StatementNames;
  private release: Release | null = null;
  private work: Promise<void> = Promise.resolve();
  private closed = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private endedNow: () => void = () => undefined;
  /** Settles once the connection is closed and has given the session back. */
  readonly ended = new Promise<void>((resolve) => (this.endedNow = resolve));

  constructor(
    private readonly socket: Socket,
    private readonly db: PGlite,
    private readonly id: number,
    private readonly options: { readonly idleHoldMs: number; readonly log: Logger },
  ) {
    this.names = new StatementNames(`c${id}_`);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.receive(chunk);
    });
    // 'close' follows every error, and ends the connection there.
    socket.on('error', () => undefined);
    socket.on('close', () => void this.close());
  }

  /** Closes the connection; settles once it has rolled back what it left open and deallocated its statements. */
  close(goodbye?: Buffer): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.stopIdleTimer();
      if (goodbye === undefined) this.socket.destroy();
      else {
        this.socket.end(goodbye);
        setTimeout(() => this.socket.destroy(), GOODBYE_MS).unref();
      }
      this.enqueue(() => this.cleanUp());
    }
    return this.ended;
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Frame[];
    try {
      frames = this.reader.push(chunk);
    } catch (error) {
      void this.close(fatal('08P01', error instanceof Error ? `invalid message: ${error.message}` : 'invalid message'));
      return;
    }
    for (const frame of frames) this.enqueue(() => this.handle(frame));
  }

  /** One step at a time, in the order the client sent them; a step that fails closes the connection. */
  private enqueue(step: () => Promise<void>): void {
    this.work = this.work.then(step).catch((error: unknown) => {
      // The one client loses its connection; the demo and every other client go on.
      const reason = error instanceof Error ? error.message : String(error);
      this.options.log.warn(`connection ${this.id} to the demo database: ${reason}`);
      void this.close();
    });
  }

  private async handle(frame: Frame): Promise<void> {
    if (this.closed) return;
    // Loopback only: no encryption, as PostgreSQL answers when it has none.
    if (frame.kind === 'encryption') {
      this.socket.write('N');
      return;
    }
    // PGlite runs in this process, one statement at a time: there is no backend to signal.
    if (frame.kind === 'cancel' || (frame.kind === 'message' && frame.type === 'X')) {
      void this.close();
      return;
    }
    this.stopIdleTimer();
    const bytes = frame.kind === 'startup' ? frame.bytes : this.names.rewrite(frame.type, frame.bytes);
    this.release ??= await holdSession(this.db);
    // Closed while it waited for the session: the clean-up that follows gives it back.
    if (this.isClosed()) return;
    await this.db.execProtocolRawStream(bytes, {
      onRawData: (data) => {
        this.backend.feed(data);
        if (!this.closed && this.socket.writable) this.socket.write(Buffer.from(data));
      },
    });
    if (this.backend.ready() === 'I') this.giveBack();
    else this.startIdleTimer();
  }

  /** Read after an await, where the compiler's narrowing of `closed` no longer holds. */
  private isClosed(): boolean {
    return this.closed;
  }

  private async cleanUp(): Promise<void> {
    try {
      const statements = this.names.inSession();
      if (this.release === null && statements.length === 0) return;
      this.release ??= await holdSession(this.db);
      const discard = (): void => undefined;
      const run = (message: Buffer): Promise<void> => this.db.execProtocolRawStream(message, { onRawData: discard });
      // Ends an exchange cut short (after an error PostgreSQL skips everything up to a Sync); between exchanges it does
      // nothing.
      await run(SYNC);
      if (this.db.isInTransaction()) await run(simpleQuery('ROLLBACK'));
      // Closing a statement that is not there is no error.
      for (const name of statements) await run(closeStatement(name));
      if (statements.length > 0) await run(SYNC);
    } finally {
      this.giveBack();
      this.endedNow();
    }
  }

  private giveBack(): void {
    const release = this.release;
    this.release = null;
    release?.();
  }

  private startIdleTimer(): void {
    const seconds = this.options.idleHoldMs / 1000;
    this.idleTimer = setTimeout(() => {
      void this.close(
        fatal('25P03', `terminating connection: it kept the demo's database to itself, idle, for ${seconds} s`),
      );
    }, this.options.idleHoldMs);
    this.idleTimer.unref();
  }

  private stopIdleTimer(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

/**
 * Serves PGlite over the PostgreSQL protocol, each connection a session of
 * its own as far as a client can tell. PGlite has one backend session, and
 * `@electric-sql/pglite-socket`, which this replaces, hands every
 * connection's messages to it one by one: two connections' prepared
 * statements of one name collide there, and a closed connection's stay
 * behind ("prepared statement … already exists", the demo gone stale on
 * two clicks). Here each connection's exchanges run whole (see Connection).
 * Upstream knows both faults (electric-sql/pglite#1046; the fix proposed in
 * #977 covers the unnamed statement only): when a release fixes them, this
 * can go.
 */
export async function serveSession(db: PGlite, options: SessionServerOptions): Promise<SessionServer> {
  const connections = new Set<Connection>();
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const log = options.log ?? SILENT_LOGGER;
  const settings = { idleHoldMs: options.idleHoldMs ?? DEFAULT_IDLE_HOLD_MS, log };
  let nextId = 1;
  const server = createServer((socket) => {
    if (connections.size >= maxConnections) {
      socket.on('error', () => undefined);
      socket.end(fatal('53300', 'sorry, too many clients already'));
      return;
    }
    const connection = new Connection(socket, db, nextId++, settings);
    connections.add(connection);
    void connection.ended.then(() => connections.delete(connection));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A listening server's errors (a failed accept) would otherwise end the process.
  server.on('error', (error) => {
    log.error(`the demo database's server: ${error.message}`);
  });
  const bound = server.address();
  if (bound === null || typeof bound === 'string') {
    server.close();
    throw new Error('the demo database listens on no TCP port');
  }
  return {
    address: `${options.host}:${bound.port}`,
    async stop() {
      const stopped = new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      await Promise.all([...connections].map((connection) => connection.close()));
      await stopped;
    },
  };
}
