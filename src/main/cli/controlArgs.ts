import { parseArgs } from 'node:util';
import { commandRequestSchema, type CommandRequest } from '../../shared/commands';
import type { DelegatorCommandOptions } from './delegatorCommand';
import { DEFAULT_ACK_TIMEOUT_SECONDS } from './limits';
import type { UnloadOptions } from './unloadCommand';
import { quoted, UsageError } from './usageErrors';

/**
 * The controls' arguments (end-session, stop-agent, unload): each acts on
 * exactly one thing, checked by the limits the dashboard's requests meet.
 */

/** The one thing a control acts on: exactly one, and something a command may carry. */
function controlRequest<R extends CommandRequest>(
  command: string,
  what: string,
  positionals: string[],
  build: (target: string) => R,
): R {
  const [target, ...extra] = positionals;
  if (target === undefined || target === '') throw new UsageError(`${command} needs a ${what}`);
  if (extra.length > 0) throw new UsageError(`Unexpected argument ${quoted(extra[0])}: ${command} takes one ${what}`);
  const request = build(target);
  // The same limits the dashboard's requests meet (not empty, at most 255 characters).
  const checked = commandRequestSchema.safeParse(request);
  if (!checked.success)
    throw new UsageError(`${command} ${quoted(target)}: ${checked.error.issues[0]?.message ?? `not a ${what}`}`);
  return request;
}

export function parseDelegatorControl(command: 'end-session' | 'stop-agent', args: string[]): DelegatorCommandOptions {
  const { values, positionals } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      ...(command === 'stop-agent' && { pid: { type: 'string' } }),
    },
    strict: true,
    allowPositionals: true,
  });
  const pidOption = typeof values.pid === 'string' ? values.pid : undefined;
  if (pidOption !== undefined && !/^[1-9]\d{0,9}$/.test(pidOption))
    throw new UsageError(`--pid ${quoted(pidOption)}: expected a process id`);
  const request =
    command === 'end-session'
      ? controlRequest(command, 'session id', positionals, (sessionId) => ({ type: 'end_session', sessionId }))
      : controlRequest(command, 'role', positionals, (role) => ({
          type: 'stop_agent',
          role,
          ...(pidOption !== undefined && { pid: Number(pidOption) }),
        }));
  const timeoutSeconds = values.timeout === undefined ? DEFAULT_ACK_TIMEOUT_SECONDS : Number(values.timeout);
  if ((values.timeout !== undefined && !/^\d+$/.test(values.timeout)) || timeoutSeconds < 1 || timeoutSeconds > 3600) {
    throw new UsageError(`--timeout ${quoted(values.timeout)}: expected whole seconds from 1 to 3600`);
  }
  return { request, timeoutSeconds, json: values.json };
}

export function parseUnload(args: string[]): UnloadOptions {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: true,
  });
  const { model } = controlRequest('unload', 'model name', positionals, (name) => ({
    type: 'unload_model',
    model: name,
  }));
  return { model, json: values.json };
}
