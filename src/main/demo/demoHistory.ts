import type { PGlite } from '@electric-sql/pglite';
import { DelegatorWriter } from '../simulator/delegatorWriter';
import { EchoMessages, type MessageRow } from '../simulator/echoMessages';
import { insertMessageBackfill, planMessageBackfill } from '../simulator/messagePlan';
import { planBackfill } from '../simulator/sessionPlan';
import type { SessionRow } from '../simulator/sessionPlan';
import type { DatabaseOrigin } from './demoDatabase';
import { closeWhatALastRunLeft } from './demoRestart';

/** The history a demo starts with: a month of the seed's sessions and messages, up to `now`. */
export interface HistoryRequest {
  readonly seed: number;
  readonly days: number;
  /** Epoch ms: the demo's start, which the history ends at and a killed run's leftovers are closed at. */
  readonly now: number;
}

/** What the history added: nothing where a kept database already holds it. */
export interface HistoryAdded {
  readonly backfilled: number;
  readonly backfilledMessages: number;
}

/** The rows to write, planned from the seed alone. */
export interface HistoryPlan {
  readonly sessions: readonly SessionRow[];
  readonly messages: readonly MessageRow[][];
}

/** The rows to write, from the seed alone: a tenth of a second of arithmetic on two cores, on the database's thread. */
export function planHistory(request: HistoryRequest): HistoryPlan {
  return {
    sessions: planBackfill(request.days, request.seed, request.now),
    messages: planMessageBackfill(request.days, request.seed, request.now),
  };
}

/**
 * Makes the demo's database, with ECHO's tables, ready for its simulated
 * ECHO: whatever a killed run left open in a folder an earlier run used
 * closed (demoRestart.ts; a database new to this run holds nothing of the
 * kind), and the planned history, each row written once.
 */
export async function prepareHistory(
  db: PGlite,
  origin: DatabaseOrigin,
  request: HistoryRequest,
  plan: HistoryPlan,
): Promise<HistoryAdded> {
  if (origin === 'folder') await closeWhatALastRunLeft(db, request.now);
  const backfilled = await new DelegatorWriter(db, null, 'delegator:').insertSessions(plan.sessions, request.now);
  // Written, not published: nobody listens yet, as nobody did to ECHO's past.
  const backfilledMessages = await insertMessageBackfill(new EchoMessages(db, null), plan.messages);
  return { backfilled, backfilledMessages };
}
