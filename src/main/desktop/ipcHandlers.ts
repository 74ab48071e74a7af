import type { z } from 'zod';
import type { ExportOutcome, ExportQuery } from '../../shared/apiSchemas';
import { IPC_INVOKE, OPERATION_NAMES, type IpcResult, type OperationName } from '../../shared/ipcChannels';
import { OPERATIONS, type Implementations } from '../../shared/operations';
import { errorText } from '../../shared/errorText';
import { describeIssues } from '../../shared/zodIssues';

/** What a handler learns of its caller; Electron's IpcMainInvokeEvent has these. */
export interface InvokeEvent {
  readonly sender: { readonly id: number };
  readonly senderFrame: { readonly url: string } | null;
}

/** The part of ipcMain the handlers use. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** One channel's work: its arguments as they came, checked inside. */
export type Handler = (args: unknown[]) => unknown;

export function parseArgs<T>(schema: z.ZodType<T>, args: unknown): T {
  const parsed = schema.safeParse(args);
  if (!parsed.success) throw new Error(`bad arguments: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** The questions as the IPC handlers may answer them: at once, or once the monitor has started. */
export type HandledQueries = Implementations<Exclude<OperationName, 'exportData'>>;

/** Where the desktop app writes an export: a save dialog and a file, which only the host has. */
export type SaveExport = (query: ExportQuery) => Promise<ExportOutcome>;

/**
 * An operation's handler: its arguments checked one by one, then any rule
 * between them, before it is asked. The type parameter ties the name to its
 * own arguments, which TypeScript follows through nothing else.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
function operationHandler<Name extends OperationName>(name: Name, implementations: Implementations): Handler {
  const form = OPERATIONS[name].arguments;
  return (args) => {
    const named = parseArgs(form.named, form.toNamed(parseArgs(form.positional, args)));
    return implementations[name](...form.toPositional(named));
  };
}

/** Every operation's channel, answered from the monitor; an export is saved where the host's dialog says. */
export const monitorHandlers = (queries: HandledQueries, saveExport: SaveExport): Readonly<Record<string, Handler>> => {
  const implementations: Implementations = { ...queries, exportData: saveExport };
  return Object.fromEntries(OPERATION_NAMES.map((name) => [IPC_INVOKE[name], operationHandler(name, implementations)]));
};

/**
 * Serves handlers over IPC. Each call is refused unless it comes from the
 * dashboard window, its arguments are checked with zod, and the answer is
 * `{ok, value}` or `{ok: false, error}`. Returns a function that unregisters.
 */
export function registerHandlers(
  ipc: IpcMainLike,
  isTrusted: (event: InvokeEvent) => boolean,
  handlers: Readonly<Record<string, Handler>>,
): () => void {
  for (const [channel, handler] of Object.entries(handlers)) {
    ipc.handle(channel, async (event, ...args): Promise<IpcResult<unknown>> => {
      if (!isTrusted(event)) return { ok: false, error: 'refused: the request did not come from the dashboard window' };
      try {
        return { ok: true, value: await handler(args) };
      } catch (error) {
        return { ok: false, error: errorText(error) };
      }
    });
  }
  return () => {
    for (const channel of Object.keys(handlers)) ipc.removeHandler(channel);
  };
}

/** Trusted: sent by the dashboard window itself, from the page we loaded into it. */
export function trustedSender(windowId: () => number | null, pageUrl: () => string): (event: InvokeEvent) => boolean {
  return (event) => {
    const frame = event.senderFrame;
    if (frame === null || event.sender.id !== windowId()) return false;
    const expected = new URL(pageUrl());
    const actual = URL.canParse(frame.url) ? new URL(frame.url) : null;
    return actual !== null && actual.origin === expected.origin && actual.pathname === expected.pathname;
  };
}
