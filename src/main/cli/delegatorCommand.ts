import { randomUUID } from 'node:crypto';
import type { CommandOutcome, DelegatorRequest } from '../../shared/commands';
import { escapeControls } from '../../shared/terminalText';
import { describeRedis, type MonitorConfig } from '../config';
import { CommandBus } from '../sources/redis/commandBus';
import { closeRedis, createRedis } from '../sources/redis/redisConnection';
import { explainRedisFailure } from '../sources/redis/redisFailures';
import { RedisRegistry } from '../sources/redis/redisRegistry';
import { reportOutcome, type ControlOptions, type ControlWording } from './controlOutcome';
import type { ExitCode } from './exitCodes';
import type { CliIo } from './output';

export interface DelegatorCommandOptions extends ControlOptions {
  readonly request: DelegatorRequest;
  /** How long to wait for the delegator's `command_ack`. */
  readonly timeoutSeconds: number;
}

/** A session id or role may be pasted from anywhere, a session row included: it is shown escaped. */
function wordingFor(request: DelegatorRequest): ControlWording {
  if (request.type === 'end_session') {
    const session = escapeControls(request.sessionId);
    return {
      done: `Session ${session} ended (acknowledged by the delegator).`,
      attempt: `end session ${session}`,
      refuser: 'the delegator',
    };
  }
  const role = escapeControls(request.role);
  return { done: `Stopped ${role}.`, attempt: `stop ${role}`, refuser: 'the delegator' };
}

/** A command that never went out, with why. */
export const notSent = (error: string): CommandOutcome => ({ ok: false, id: randomUUID(), failure: 'not_sent', error });

/**
 * One command and its acknowledgement, on two connections of its own: one
 * subscribed to the events channel, one to publish (Redis allows nothing but
 * pub/sub on a subscribed connection). Neither reconnects nor queues, so a
 * command that cannot go now never goes at all.
 */
export async function sendToDelegator(
  config: MonitorConfig,
  request: DelegatorRequest,
  ackTimeoutMs: number,
): Promise<CommandOutcome> {
  const options = { url: config.redisUrl, timeoutMs: config.timeoutMs, persistent: false, offlineQueue: false };
  const publisher = createRedis(options);
  const subscriber = createRedis(options);
  const unreachable = (error: unknown): CommandOutcome => {
    const failed = publisher.status === 'ready' ? subscriber : publisher;
    return notSent(
      `Redis at ${describeRedis(config.redisUrl)} could not be reached (${explainRedisFailure(failed, error)}), so the command was not sent`,
    );
  };
  try {
    const bus = new CommandBus(publisher, config.redisPrefix, ackTimeoutMs);
    try {
      await Promise.all([publisher.connect(), subscriber.connect()]);
      // Subscribed before publishing, so even an immediate acknowledgement is heard.
      await new RedisRegistry(publisher, config.redisPrefix).subscribe(subscriber, {
        onEvent: (event) => {
          bus.notice(event);
        },
        // Another program's malformed announcement is no concern of this command.
        onMalformed: () => undefined,
      });
    } catch (error) {
      return unreachable(error);
    }
    return await bus.send(request);
  } finally {
    closeRedis(publisher);
    closeRedis(subscriber);
  }
}

/** ECHO's own delegator keeps its sessions in memory and takes no command from outside. */
const NO_WAY_IN =
  'ECHO offers no way to end a session from outside; only a delegator that answers the registry protocol (docs/controls.md) can';

/** end-session: exit 0 acknowledged, 1 refused, 2 no answer or not sent. */
export async function delegatorCommand(
  config: MonitorConfig,
  options: DelegatorCommandOptions,
  io: CliIo,
): Promise<ExitCode> {
  const outcome =
    config.registryMode === 'sessions'
      ? notSent("commands travel through the delegator's Redis, which REGISTRY_MODE=sessions turns off")
      : await sendToDelegator(config, options.request, options.timeoutSeconds * 1000);
  const explained =
    outcome.ok || outcome.failure === 'refused' || options.request.type !== 'end_session'
      ? outcome
      : { ...outcome, error: `${outcome.error ?? 'no answer'}. ${NO_WAY_IN}` };
  return reportOutcome(explained, wordingFor(options.request), options, io);
}
