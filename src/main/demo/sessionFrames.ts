/**
 * The little of PostgreSQL's wire protocol the demo's session server reads:
 * where one message ends, the names of prepared statements in the messages
 * that carry one, and where PGlite's answer reports the session ready again.
 * Everything else passes through untouched.
 */

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** Far above anything the monitor sends; a longer claimed length is a broken or hostile client, not a query. */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export type Frame =
  | { readonly kind: 'encryption' }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'startup'; readonly bytes: Buffer }
  | { readonly kind: 'message'; readonly type: string; readonly bytes: Buffer };

export class ProtocolViolation extends Error {}

/** Cuts a client's byte stream into whole frames: the untyped ones before startup, typed messages after it. */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;

  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    for (let frame = this.next(); frame !== null; frame = this.next()) frames.push(frame);
    return frames;
  }

  private next(): Frame | null {
    const typed = this.started ? 1 : 0;
    if (this.buffer.length < typed + 4) return null;
    const length = this.buffer.readInt32BE(typed);
    if (length < 4 || length > MAX_FRAME_BYTES) throw new ProtocolViolation(`a message of ${length} bytes`);
    if (this.buffer.length < typed + length) return null;
    const bytes = this.buffer.subarray(0, typed + length);
    this.buffer = this.buffer.subarray(typed + length);
    if (this.started) return { kind: 'message', type: String.fromCharCode(bytes[0] ?? 0), bytes };
    const code = length >= 8 ? bytes.readInt32BE(4) : 0;
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) return { kind: 'encryption' };
    if (code === CANCEL_REQUEST) return { kind: 'cancel' };
    this.started = true;
    return { kind: 'startup', bytes };
  }
}

function cString(bytes: Buffer, from: number): { text: string; end: number } | null {
  const end = bytes.indexOf(0, from);
  return end === -1 ? null : { text: bytes.toString('utf8', from, end), end: end + 1 };
}

function typed(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const zeroTerminated = (text: string): Buffer => Buffer.from(`${text}\0`, 'utf8');

/**
 * One connection's prepared statements, under names of their own in the
 * shared session. Every connection to PGlite is the same backend session, so
 * two connections' statements of one name (node-postgres names a statement
 * by its text, sqlClient.ts) would collide there, as would a statement a
 * closed connection left behind. The unnamed statement needs no name: an
 * exchange runs whole, with no other connection's message inside it.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();

  constructor(private readonly prefix: string) {}

  /** The message as the session should see it: any statement name it carries replaced by this connection's. */
  rewrite(type: string, bytes: Buffer): Buffer {
    if (type === 'P') return this.renameAt(bytes, 5);
    if (type === 'B') {
      // After the portal's name.
      const portal = cString(bytes, 5);
      return portal === null ? bytes : this.renameAt(bytes, portal.end);
    }
    // Describe and Close name a statement ('S') or a portal ('P'); portals last a transaction at most, which runs
    // whole.
    if ((type === 'D' || type === 'C') && bytes[5] === 'S'.charCodeAt(0)) return this.renameAt(bytes, 6);
    return bytes;
  }

  /** The names this connection's statements have in the session, to deallocate when it closes. */
  inSession(): string[] {
    return [...this.names.values()];
  }

  /** Replaces the name that starts at `at`, keeping what comes before it and after it. */
  private renameAt(bytes: Buffer, at: number): Buffer {
    const name = cString(bytes, at);
    // A malformed message goes through as it is: PGlite refuses it as PostgreSQL would.
    if (name === null || name.text === '') return bytes;
    const body = Buffer.concat([
      bytes.subarray(5, at),
      zeroTerminated(this.sessionName(name.text)),
      bytes.subarray(name.end),
    ]);
    return typed(String.fromCharCode(bytes[0] ?? 0), body);
  }

  private sessionName(name: string): string {
    let mapped = this.names.get(name);
    if (mapped === undefined) {
      // Short whatever the client's name: PostgreSQL cuts names at 63 bytes, and two cut alike would collide.
      mapped = `${this.prefix}s${this.names.size + 1}`;
      this.names.set(name, mapped);
    }
    return mapped;
  }
}

export type TransactionStatus = 'I' | 'T' | 'E';

const READY_FOR_QUERY = 'Z'.charCodeAt(0);
const NOTHING = Buffer.alloc(0);

/**
 * Follows PGlite's answers message by message, to tell when an exchange is
 * over: its last message is ReadyForQuery, whose status says whether the
 * session is idle ('I') or inside a transaction block ('T', or 'E' failed).
 */
export class BackendTracker {
  private header: Buffer = NOTHING;
  private remaining = 0;
  private type = 0;
  private status: TransactionStatus | null = null;

  feed(data: Uint8Array): void {
    // A view, not a copy: an export's answer is thousands of rows, each a message.
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    let at = 0;
    while (at < bytes.length) {
      if (this.remaining > 0) {
        if (this.type === READY_FOR_QUERY && this.remaining === 1) this.status = readStatus(bytes[at]);
        const take = Math.min(this.remaining, bytes.length - at);
        this.remaining -= take;
        at += take;
        continue;
      }
      const piece = bytes.subarray(at, at + 5 - this.header.length);
      at += piece.length;
      const header = this.header.length === 0 ? piece : Buffer.concat([this.header, piece]);
      if (header.length < 5) {
        // A header split between two answers waits for the rest; copied, since PGlite reuses the memory it answers
        // from.
        this.header = Buffer.from(header);
        return;
      }
      this.header = NOTHING;
      this.type = header[0] ?? 0;
      this.remaining = header.readInt32BE(1) - 4;
      this.status = null;
    }
  }

  /** The session's status when the last answer ended with ReadyForQuery; null while an exchange is under way. */
  ready(): TransactionStatus | null {
    return this.remaining === 0 && this.header.length === 0 ? this.status : null;
  }
}

function readStatus(byte: number | undefined): TransactionStatus | null {
  const status = byte === undefined ? '' : String.fromCharCode(byte);
  return status === 'I' || status === 'T' || status === 'E' ? status : null;
}

export const SYNC = typed('S', Buffer.alloc(0));

export const simpleQuery = (sql: string): Buffer => typed('Q', zeroTerminated(sql));

export const closeStatement = (name: string): Buffer =>
  typed('C', Buffer.concat([Buffer.from('S', 'latin1'), zeroTerminated(name)]));

/** A FATAL ErrorResponse, as PostgreSQL sends before it closes a connection itself. */
export function fatal(code: string, message: string): Buffer {
  const fields = [`SFATAL`, `VFATAL`, `C${code}`, `M${message}`].map(zeroTerminated);
  return typed('E', Buffer.concat([...fields, Buffer.alloc(1)]));
}
