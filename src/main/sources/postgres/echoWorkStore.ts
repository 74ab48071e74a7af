import { z } from 'zod';
import type { AgentWorkRecord, DecisionRecord, EchoWorkData, WorkflowRecord } from '../../core/echoWork';
import { addDays, datesBetween, localDayRange, zoneOf, type TimeZoneSource } from '../../core/localTime';
import { countSchema, readAgent, readDecision, readMessage, readWorkflow, Screen } from './echoWorkRows';
import { workSql, type WorkWindow } from './echoWorkSql';
import { isMissingTableOrColumn, parseWorkTables, WORK_TABLES_SQL, type EchoTables } from './echoWorkTables';
import { Placeholders } from './placeholders';
import type { Screened } from '../screening';
import type { DayRequest } from './sessionStore';
import type { SqlClient } from './sqlClient';

/** The chart of delegated tasks: this many local days, today the last. */
export const TASK_DAYS = 30;
const HOUR_MS = 3_600_000;
/**
 * ECHO's clock and this one may differ by a little: a message stamped up to this far ahead still counts as "in the last
 * hour".
 */
const CLOCK_SLACK_MS = 60_000;

const workRowSchema = z.object({
  agents: z.array(z.unknown()),
  decisions: z.array(z.unknown()),
  decisions_total: countSchema,
  workflows: z.array(z.unknown()),
  workflows_total: countSchema,
  latest_messages: z.array(z.unknown()),
  tasks_per_day: z.array(z.object({ bucket: z.coerce.number().int(), count: countSchema })),
  work_token: z.string(),
});

/** A reading of the work, with what it was read at: the change token of the same snapshot, and the tables it found. */
export interface WorkReading {
  readonly work: Screened<EchoWorkData>;
  readonly token: string;
  readonly tables: EchoTables;
}

const kept = <T>(items: readonly (T | null)[]): T[] => items.filter((item): item is T => item !== null);

/**
 * ECHO's own records of its work (`messages`, `decisions` and their votes,
 * `llm_sessions`, `workflow_executions`, `flow_executions`), read as they are,
 * in one statement. Which tables exist decides the statement: an older ECHO
 * lacks some, and their part is empty, never an error. The tables are given
 * by the caller (the poll reader reads them in its change token's statement)
 * or found by one small query, then kept; should one go away, the statement
 * fails with "undefined table", and the store looks again and reads once more.
 * Local days become UTC ranges here (core/localTime), as for the sessions.
 */
export class EchoWorkStore {
  private readonly timeZone: () => string;
  private tables: EchoTables | null = null;

  constructor(
    private readonly sql: SqlClient,
    zone: TimeZoneSource,
  ) {
    this.timeZone = () => zoneOf(zone);
  }

  async read(request: DayRequest): Promise<Screened<EchoWorkData>> {
    return (await this.readWithToken(request)).work;
  }

  /** The work, and the change token of the snapshot it was read from (compare `workTokenSql` in a later statement). */
  async readWithToken(request: DayRequest, tables?: EchoTables): Promise<WorkReading> {
    const known = tables ?? this.tables ?? (await this.findTables());
    try {
      return await this.readFrom(request, known);
    } catch (error) {
      if (!isMissingTableOrColumn(error)) throw error;
    }
    return this.readFrom(request, await this.findTables());
  }

  private async findTables(): Promise<EchoTables> {
    const { rows } = await this.sql.query(`SELECT ${WORK_TABLES_SQL} AS tables`);
    const first = rows[0];
    return parseWorkTables(typeof first === 'object' && first !== null && 'tables' in first ? first.tables : null);
  }

  private async readFrom(request: DayRequest, tables: EchoTables): Promise<WorkReading> {
    const zone = this.timeZone();
    const dates = datesBetween(addDays(request.today, 1 - TASK_DAYS), request.today);
    const window: WorkWindow = {
      today: localDayRange(request.today, zone),
      lastHour: { start: request.now - HOUR_MS, end: request.now + CLOCK_SLACK_MS },
      days: dates.map((date) => localDayRange(date, zone)),
      before: request.now + 86_400_000,
    };
    const params = new Placeholders();
    const { rows } = await this.sql.query(workSql(params, tables, window), params.values);
    this.tables = tables;
    const row = workRowSchema.parse(rows[0]);
    const screen = new Screen();
    const agents: AgentWorkRecord[] = kept(row.agents.map((each) => readAgent(screen, each)));
    const openDecisions: DecisionRecord[] = kept(row.decisions.map((each) => readDecision(screen, each)));
    const workflows: WorkflowRecord[] = kept(row.workflows.map((each) => readWorkflow(screen, each)));
    const perDay = new Map(row.tasks_per_day.map(({ bucket, count }) => [bucket, count]));
    const work: EchoWorkData = {
      tables: {
        messages: tables.messages,
        decisions: tables.decisions,
        llmSessions: tables.llmSessions,
        workflows: tables.workflows,
        flows: tables.flows,
      },
      agents,
      openDecisions,
      openDecisionsTotal: row.decisions_total,
      workflows,
      workflowsTotal: row.workflows_total,
      latestMessages: kept(row.latest_messages.map((each) => readMessage(screen, each))),
      tasksPerDay: tables.messages ? dates.map((date, index) => ({ date, count: perDay.get(index) ?? 0 })) : [],
    };
    return { work: { value: work, dropped: screen.dropped }, token: row.work_token, tables };
  }
}
