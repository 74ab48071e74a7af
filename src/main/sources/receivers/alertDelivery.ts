import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { errorText } from '../../../shared/errorText';
import { instantSchema } from '../../../shared/instant';
import { severitySchema, type ReceiverHealth } from '../../../shared/model';
import type { NotificationIntent } from '../../core/alerts/engine';
import {
  DELIVERY_LEDGER_LIMIT,
  noteOf,
  toldBefore,
  withNote,
  type DeliveryNote,
} from '../../core/alerts/deliveryLedger';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../core/alerts/sendQueue';
import type { Logger } from '../../core/logger';
import { GLOBAL_TIMERS, SYSTEM_CLOCK, type Clock, type Timers } from '../../core/time';
import { JsonlStore } from '../jsonlStore';
import { messageFor } from './receiverMessage';
import { ReceiverOutbox } from './receiverOutbox';
import { postNotice } from './receiverPost';
import { receiverLabel, type ReceiverTarget } from './receiverTargets';

/** What was sent where, kept in the data folder so a restart sends nothing twice. */
export const DELIVERY_LEDGER_FILE = 'alert-deliveries.jsonl';

const deliveryNoteSchema = z.object({
  receiver: z.string(),
  alertId: z.string(),
  kind: z.enum(['raised', 'escalated', 'repeat', 'resolved']),
  severity: severitySchema,
  since: instantSchema,
  at: instantSchema,
}) satisfies z.ZodType<DeliveryNote>;

export interface DeliveryOptions {
  /** Where the record of what was sent is kept; null keeps it in memory only. */
  readonly dataDir: string | null;
  /** The alert settings' reminder interval: within it, a firing told before a restart is not told again. */
  readonly repeatIntervalMs: number;
  readonly log: Logger;
  readonly retry?: RetryPolicy;
  /** How long `close` lets queued notices go out. */
  readonly closeGraceMs?: number;
  readonly clock?: Clock;
  readonly timers?: Timers;
}

/** The alert receivers, as a monitor service holds them. */
export interface AlertDelivery {
  /** Queues the notice for each receiver it is for; returns at once. */
  offer(intent: NotificationIntent): void;
  health(): ReceiverHealth[];
  /** Lets queued notices go out for a short while, then stops, and finishes writing the record. */
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 2000;

/**
 * Starts sending alerts to the receivers: reads the record of what was sent
 * before (a record that cannot be read is said, and sending starts afresh),
 * then takes each notice the alert engine gives.
 */
export async function openAlertDelivery(
  targets: readonly ReceiverTarget[],
  options: DeliveryOptions,
): Promise<AlertDelivery> {
  const { log, clock = SYSTEM_CLOCK, timers = GLOBAL_TIMERS } = options;
  const store =
    options.dataDir === null
      ? null
      : new JsonlStore(join(options.dataDir, DELIVERY_LEDGER_FILE), deliveryNoteSchema, DELIVERY_LEDGER_LIMIT, 2048);
  let notes: readonly DeliveryNote[] = [];
  if (store !== null) {
    const kept = await store.load().catch((error: unknown) => {
      log.error(`reading what was sent to the alert receivers: ${errorText(error)}`);
      return { value: [], dropped: [] };
    });
    for (const reason of kept.dropped) log.warn(`left out ${reason}`);
    notes = kept.value;
  }
  log.info(`sending alerts to ${targets.map(receiverLabel).join(', ')}`);
  const runStartedAt = clock.now();
  const context = { host: hostname() };
  const noteDelivered = (receiver: string, intent: NotificationIntent, at: number): void => {
    const note = noteOf(receiver, intent, at);
    notes = withNote(notes, note);
    store?.append([note], notes).catch((error: unknown) => {
      log.error(`saving what was sent to the alert receivers: ${errorText(error)}`);
    });
  };
  const outboxes = targets.map(
    (target) =>
      new ReceiverOutbox({
        target,
        send: (message) => postNotice(target, message),
        policy: options.retry ?? DEFAULT_RETRY_POLICY,
        clock,
        timers,
        onDelivered: (intent, at) => {
          noteDelivered(target.name, intent, at);
        },
        log,
      }),
  );
  return {
    offer(intent) {
      const timing = { now: clock.now(), runStartedAt, repeatIntervalMs: options.repeatIntervalMs };
      for (const outbox of outboxes) {
        if (!outbox.takes(intent)) continue;
        const told = toldBefore(notes, outbox.target.name, intent, timing);
        if (told === null) {
          outbox.push({ intent, message: messageFor(outbox.target.kind, intent, context) });
        } else {
          const why = told === 'continues' ? 'told before the restart' : 'already sent';
          log.debug(`${outbox.label}: "${intent.title}" ${why}`);
        }
      }
    },
    health: () => outboxes.map((outbox) => outbox.health()),
    async close() {
      const grace = options.closeGraceMs ?? CLOSE_GRACE_MS;
      const left = await Promise.all(outboxes.map((outbox) => outbox.drain(grace)));
      outboxes.forEach((outbox, index) => {
        const count = left[index] ?? 0;
        if (count > 0) log.warn(`${outbox.label}: ${String(count)} notice(s) not sent before closing`);
      });
      await store?.flush();
    },
  };
}
