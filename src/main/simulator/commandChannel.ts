import type { Redis } from 'ioredis';
import { delegatorCommandSchema, type DelegatorCommand } from '../../shared/commands';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../core/logger';
import { parseJson } from '../../shared/jsonLine';
import { describeIssues } from '../../shared/zodIssues';
import type { DelegatorWriter } from './delegatorWriter';

export interface CommandHandler {
  handle(command: DelegatorCommand): Promise<{ ok: boolean; error?: string }>;
}

/**
 * Listens on `<prefix>commands` on a dedicated connection and answers every
 * command with a `command_ack` event carrying its id. A malformed command with
 * a readable id is refused; one without an id cannot be answered at all, and
 * is logged instead.
 */
export async function serveCommands(
  subscriber: Pick<Redis, 'subscribe' | 'on'>,
  prefix: string,
  handler: CommandHandler,
  writer: DelegatorWriter,
  log: Logger,
): Promise<void> {
  const channel = `${prefix}commands`;
  const answer = async (message: string): Promise<void> => {
    const json = parseJson(message);
    const parsed = json.ok ? delegatorCommandSchema.safeParse(json.value) : null;
    const ack = (id: string, ok: boolean, error?: string) =>
      writer.announce({
        type: 'command_ack',
        at: new Date().toISOString(),
        id,
        ok,
        ...(error === undefined ? {} : { error }),
      });
    if (parsed?.success) {
      const outcome = await handler.handle(parsed.data);
      await ack(parsed.data.id, outcome.ok, outcome.error);
      return;
    }
    const id =
      json.ok && typeof json.value === 'object' && json.value !== null && 'id' in json.value
        ? json.value.id
        : undefined;
    const reason = parsed ? `malformed command: ${describeIssues(parsed.error)}` : 'malformed command: not JSON';
    if (typeof id === 'string' && id.length > 0) await ack(id, false, reason);
    else log.warn(reason);
  };
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    answer(message).catch((error: unknown) => {
      log.error(`answering a command: ${errorText(error)}`);
    });
  });
  await subscriber.subscribe(channel);
}
