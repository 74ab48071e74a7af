import { errorText } from '../../shared/errorText';
import { SILENT_LOGGER, type Logger } from '../core/logger';
import type { SqlClient } from '../sources/postgres/sqlClient';
import { echoTimestamp, utc } from './delegatorWriter';

/** What ECHO's agents publish with: Redis's PUBLISH, nothing else (ECHO sets no keys). ioredis's client is one. */
export interface Publisher {
  publish(channel: string, message: string): Promise<number>;
}

/** ECHO's message types (`EchoShared.Schemas.Message`). */
export type MessageType = 'request' | 'response' | 'notification' | 'escalation';

export interface MessageDraft {
  readonly from: string;
  /** A role, or `all` for a broadcast. */
  readonly to: string;
  readonly type: MessageType;
  readonly subject: string;
  readonly content: Readonly<Record<string, unknown>>;
  /** The sender's own metadata: published, merged with the timestamp; never stored (ECHO stores the timestamp only). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** A message with what is drawn once for it, so a send tried again writes the same row. */
export interface PlannedMessage extends MessageDraft {
  /** When it is sent, epoch ms; its fraction keeps each message's microsecond timestamp its own. */
  readonly at: number;
  /** The publish's own id: `msg_` and 16 hex digits. */
  readonly publishId: string;
}

/** One unread message, as an agent catching up reads it. */
export interface UnreadMessage {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly type: string;
  readonly subject: string;
}

/** A row for the backfill, exactly as ECHO leaves it once read (or not). */
export interface MessageRow extends MessageDraft {
  readonly at: number;
  readonly processedAt: number | null;
  readonly error: string | null;
}

const rowId = (rows: unknown[]): number => {
  const first = rows[0];
  const id = typeof first === 'object' && first !== null && 'id' in first ? Number(first.id) : Number.NaN;
  if (!Number.isSafeInteger(id)) throw new Error('the message was not stored');
  return id;
};

/**
 * `messages`, and ECHO's `messages:<to>` channels, written as
 * `EchoShared.MessageBus` does: each message stored first, then published,
 * best effort (a failed publish leaves the stored row, as ECHO's does);
 * `mark_message_processed` and `mark_message_failed` for its reading. With no
 * publisher (no Redis), messages are only stored.
 */
export class EchoMessages {
  private publishFailing = false;

  constructor(
    private readonly sql: SqlClient,
    private readonly publisher: Publisher | null,
    private readonly log: Logger = SILENT_LOGGER,
  ) {}

  /**
   * Stores the message (once: a send tried again after a timeout that was
   * applied finds its row by sender, second and microsecond timestamp), then
   * publishes ECHO's JSON on `messages:<to>`. Returns the row's id.
   */
  async send(message: PlannedMessage): Promise<number> {
    const timestamp = echoTimestamp(message.at);
    const { rows } = await this.sql.query(
      `WITH found AS (
         SELECT id FROM messages WHERE from_role = $1 AND inserted_at = $6::timestamp AND metadata->>'timestamp' = $7 LIMIT 1
       ), added AS (
         INSERT INTO messages (from_role, to_role, type, subject, content, metadata, read, inserted_at)
         SELECT $1, $2, $3, $4, $5::jsonb, jsonb_build_object('timestamp', $7::text), false, $6::timestamp
         WHERE NOT EXISTS (SELECT FROM found)
         RETURNING id
       )
       SELECT id::text AS id FROM added UNION ALL SELECT id::text AS id FROM found`,
      [
        message.from,
        message.to,
        message.type,
        message.subject,
        JSON.stringify(message.content),
        utc(message.at),
        timestamp,
      ],
    );
    const id = rowId(rows);
    await this.publish(`messages:${message.to}`, {
      db_id: id,
      id: message.publishId,
      from: message.from,
      to: message.to,
      type: message.type,
      subject: message.subject,
      content: message.content,
      metadata: { ...message.metadata, timestamp },
    });
    return id;
  }

  /** `mark_message_processed`: read, with the second it was handled. */
  async markProcessed(id: number, at: number): Promise<void> {
    await this.sql.query('UPDATE messages SET read = true, processed_at = $2::timestamp WHERE id = $1', [id, utc(at)]);
  }

  /** Read, where ECHO's messages have no acknowledgement columns yet (before its migration 20251102211800). */
  async markRead(id: number): Promise<void> {
    await this.sql.query('UPDATE messages SET read = true WHERE id = $1', [id]);
  }

  /** `mark_message_failed`: read too, with the second and the error as Elixir's `inspect` writes it. */
  async markFailed(id: number, error: string, at: number): Promise<void> {
    await this.sql.query(
      'UPDATE messages SET read = true, processed_at = $2::timestamp, processing_error = $3 WHERE id = $1',
      [id, utc(at), error],
    );
  }

  /** `fetch_unread_messages` and `fetch_unread_broadcasts`: what an agent starting up finds waiting, oldest first. */
  async unreadFor(role: string, limit: number): Promise<UnreadMessage[]> {
    const { rows } = await this.sql.query(
      `SELECT id::text AS id, from_role, to_role, type, subject FROM messages
        WHERE to_role IN ($1, 'all') AND read = false ORDER BY inserted_at, id LIMIT $2`,
      [role, limit],
    );
    return (rows as Array<{ id: string; from_role: string; to_role: string; type: string; subject: string }>).map(
      (row) => ({
        id: Number(row.id),
        from: row.from_role,
        to: row.to_role,
        type: row.type,
        subject: row.subject,
      }),
    );
  }

  /**
   * Inserts one day of past messages in one statement, unless its first row
   * is there already (found as a live send finds its own): so a day is written
   * whole or not at all, and never twice. Returns how many rows were added.
   */
  async insertDay(rows: readonly MessageRow[]): Promise<number> {
    const [first] = rows;
    if (first === undefined) return 0;
    const { rows: found } = await this.sql.query(
      `SELECT 1 FROM messages WHERE from_role = $1 AND inserted_at = $2::timestamp AND metadata->>'timestamp' = $3 LIMIT 1`,
      [first.from, utc(first.at), echoTimestamp(first.at)],
    );
    if (found.length > 0) return 0;
    const records = rows.map((row) => ({
      from_role: row.from,
      to_role: row.to,
      type: row.type,
      subject: row.subject,
      content: row.content,
      metadata: { timestamp: echoTimestamp(row.at) },
      read: row.processedAt !== null,
      inserted_at: utc(row.at),
      processed_at: row.processedAt === null ? null : utc(row.processedAt),
      processing_error: row.error,
    }));
    const { rows: added } = await this.sql.query(
      `INSERT INTO messages (from_role, to_role, type, subject, content, metadata, read, inserted_at, processed_at, processing_error)
       SELECT from_role, to_role, type, subject, content, metadata, read, inserted_at, processed_at, processing_error
         FROM jsonb_to_recordset($1::jsonb) AS r(from_role varchar, to_role varchar, type varchar, subject varchar, content jsonb,
              metadata jsonb, read boolean, inserted_at timestamp, processed_at timestamp, processing_error text)
       RETURNING id`,
      [JSON.stringify(records)],
    );
    return added.length;
  }

  /** PUBLISH, best effort as ECHO's: a failure is said once while it lasts, and what was stored stays. */
  async publish(channel: string, payload: Readonly<Record<string, unknown>>): Promise<void> {
    if (this.publisher === null) return;
    try {
      await this.publisher.publish(channel, JSON.stringify(payload));
      this.publishFailing = false;
    } catch (error) {
      if (!this.publishFailing) {
        this.log.warn(`publishing on ECHO's channels failed (messages stay stored): ${errorText(error)}`);
      }
      this.publishFailing = true;
    }
  }
}
