import type { z } from 'zod';
import {
  exportOutcomeSchema,
  exportQuerySchema,
  historyQuerySchema,
  snoozeRequestSchema,
  snoozeStateSchema,
  statsQuerySchema,
} from './apiSchemas';
import { commandOutcomeSchema, commandRequestSchema } from './commands';
import { IPC_INVOKE, type OperationName } from './ipcChannels';
import { sessionStatsSchema, sessionViewSchema, snapshotSchema } from './model';
import { monitorEventSchema, resourceSampleSchema } from './monitorEvent';
import { namedArguments, noArguments, wholeObject, type OperationArguments } from './operationArguments';

export type { OperationName } from './ipcChannels';

/**
 * Who may call an operation. The web host asks for the control key on every
 * POST, whatever its path, so the HTTP method follows from this: a control
 * can never be served as a GET that skips the key.
 */
export type Access =
  /** Anyone allowed to read the monitor: over HTTP a GET, its arguments in the query string. */
  | 'read'
  /** It changes something: over HTTP a POST, its arguments a JSON body, with the control key. */
  | 'control';

const HTTP_BY_ACCESS = {
  read: { method: 'GET', carries: 'query' },
  control: { method: 'POST', carries: 'body' },
} as const;

export interface HttpForm {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Where the arguments travel, in their object form. */
  readonly carries: 'query' | 'body';
  /**
   * A null result is answered 503 with this reason, and read back as null:
   * the monitor has nothing yet, which the page waits out rather than shows.
   */
  readonly nullAnswer?: string;
}

/** One operation of the dashboard, whichever way it travels: IPC, HTTP, or a tool. */
export interface OperationEntry<Name extends OperationName, Args extends readonly unknown[], Named, Result> {
  readonly name: Name;
  /** One line for people: what it answers or does. */
  readonly description: string;
  readonly access: Access;
  readonly arguments: OperationArguments<Args, Named>;
  readonly result: z.ZodType<Result>;
  readonly channel: (typeof IPC_INVOKE)[Name];
  readonly http: HttpForm;
  /**
   * Only PostgreSQL answers it: a failure other than a mistake of this program
   * means the database cannot answer now, which the web host says with a 503.
   */
  readonly needsPostgres: boolean;
}

interface OperationSpec<Args extends readonly unknown[], Named, Result> {
  readonly description: string;
  readonly access: Access;
  readonly arguments: OperationArguments<Args, Named>;
  readonly result: z.ZodType<Result>;
  readonly http: { readonly path: string; readonly nullAnswer?: string };
  readonly needsPostgres?: boolean;
}

/** An entry of the table: its channel from the map the preload bundles, its HTTP method from who may call it. */
function operation<const Name extends OperationName, Args extends readonly unknown[], Named, Result>(
  name: Name,
  spec: OperationSpec<Args, Named, Result>,
): OperationEntry<Name, Args, Named, Result> {
  return {
    ...spec,
    name,
    channel: IPC_INVOKE[name],
    http: { ...HTTP_BY_ACCESS[spec.access], ...spec.http },
    needsPostgres: spec.needsPostgres ?? false,
  };
}

const TABLE = {
  getSnapshot: operation('getSnapshot', {
    description: 'The latest poll: agents, sessions, models, memory, sources, alerts; null before the first',
    access: 'read',
    arguments: noArguments,
    result: snapshotSchema.nullable(),
    http: { path: '/api/snapshot', nullAnswer: 'the first poll has not finished yet' },
  }),
  getHistory: operation('getHistory', {
    description: "One local day's sessions, ended or still running",
    access: 'read',
    arguments: namedArguments(historyQuerySchema, ['date']),
    result: sessionViewSchema.array(),
    http: { path: '/api/history' },
    needsPostgres: true,
  }),
  getStats: operation('getStats', {
    description: 'Session counts, outcomes and durations over local days from `from` to `to`, at most 366',
    access: 'read',
    arguments: namedArguments(statsQuerySchema, ['from', 'to']),
    result: sessionStatsSchema,
    http: { path: '/api/stats' },
    needsPostgres: true,
  }),
  getSeries: operation('getSeries', {
    description: "The recent resource samples the charts draw: agents, memory, CPU and the GPU's memory",
    access: 'read',
    arguments: noArguments,
    result: resourceSampleSchema.array(),
    http: { path: '/api/series' },
  }),
  getEvents: operation('getEvents', {
    description: 'The recent events: agents and sessions starting and ending, messages, decisions, alerts, sources',
    access: 'read',
    arguments: noArguments,
    result: monitorEventSchema.array(),
    http: { path: '/api/events' },
  }),
  sendCommand: operation('sendCommand', {
    description: 'Stop an agent, end a session or unload a model, and tell how it went',
    access: 'control',
    arguments: wholeObject(commandRequestSchema),
    result: commandOutcomeSchema,
    http: { path: '/api/commands' },
  }),
  snooze: operation('snooze', {
    description: 'Silence notifications until an instant (ISO 8601 with its offset)',
    access: 'control',
    arguments: namedArguments(snoozeRequestSchema, ['until']),
    result: snoozeStateSchema,
    http: { path: '/api/snooze' },
  }),
  resumeNotifications: operation('resumeNotifications', {
    description: 'End a snooze: notifications are shown again',
    access: 'control',
    arguments: noArguments,
    result: snoozeStateSchema,
    http: { path: '/api/resume' },
  }),
  exportData: operation('exportData', {
    description: 'Sessions or events of a range of local days as CSV or JSON, saved to a file or downloaded',
    access: 'read',
    arguments: wholeObject(exportQuerySchema),
    result: exportOutcomeSchema,
    http: { path: '/api/export' },
  }),
} satisfies { readonly [Name in OperationName]: unknown };

type Table = typeof TABLE;
/** What operation `Name` takes, in order, as its method takes them. */
export type OperationArgs<Name extends OperationName> = z.output<Table[Name]['arguments']['positional']>;
/** What operation `Name` takes as one object, as HTTP carries it. */
export type OperationInput<Name extends OperationName> = z.output<Table[Name]['arguments']['named']>;
/** What operation `Name` answers. */
export type OperationResult<Name extends OperationName> = z.output<Table[Name]['result']>;
export type Operation<Name extends OperationName> = OperationEntry<
  Name,
  OperationArgs<Name>,
  OperationInput<Name>,
  OperationResult<Name>
>;

/**
 * Every operation the dashboard may ask of the monitor, described once: the
 * MonitorApi, the preload, the IPC handlers, the web host's routes and the
 * page's HTTP client are all made from it.
 */
export const OPERATIONS: { readonly [Name in OperationName]: Operation<Name> } = TABLE;

/** The MonitorApi's operations: each method takes its arguments in order and answers what the table says. */
export type OperationMethods = {
  [Name in OperationName]: (...args: OperationArgs<Name>) => Promise<OperationResult<Name>>;
};

/** An answer as a host may hold it: a list the host keeps to itself may be read-only. */
export type Held<Result> = Result extends readonly (infer Item)[] ? readonly Item[] : Result;

/** What serves operation `Name`: at once or later, its answer possibly read-only. */
export type Implementation<Name extends OperationName> = (
  ...args: OperationArgs<Name>
) => Held<OperationResult<Name>> | Promise<Held<OperationResult<Name>>>;

/** What serves the operations `Names`, by name. */
export type Implementations<Names extends OperationName = OperationName> = {
  readonly [Name in Names]: Implementation<Name>;
};
