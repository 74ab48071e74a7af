import type { LocalDate, Snapshot } from '../../shared/model';
import { describeDatabase, describeRedis, type MonitorConfig } from '../config';
import { readSnapshot } from '../readSnapshot';
import { AgentSource } from '../sources/agentSource';
import { createPostgresPool } from '../sources/postgresPool';
import { closeRedis, createRedis } from '../sources/redisConnection';
import { RedisRegistry } from '../sources/redisRegistry';
import { SessionStore } from '../sources/sessionStore';
import { EXIT, type ExitCode } from './exitCodes';
import type { CliIo } from './output';
import { statusText } from './statusText';

export interface StatusOptions {
  readonly json: boolean;
  readonly date?: LocalDate;
}

export function statusExitCode(snapshot: Snapshot): ExitCode {
  const { postgres, registry } = snapshot.sources;
  return postgres.state === 'ok' && registry.state === 'ok' ? EXIT.ok : EXIT.critical;
}

/** One snapshot, printed; the exit code says whether every source answered. */
export async function statusCommand(config: MonitorConfig, options: StatusOptions, io: CliIo): Promise<ExitCode> {
  const pool = createPostgresPool({ database: config.database, timeoutMs: config.timeoutMs });
  const redis =
    config.registryMode === 'sessions'
      ? null
      : createRedis({ url: config.redisUrl, timeoutMs: config.timeoutMs, persistent: false });
  try {
    const store = new SessionStore(pool, io.timeZone);
    const agents = new AgentSource(config.registryMode, redis && new RedisRegistry(redis, config.redisPrefix));
    const snapshot = await readSnapshot({ store, agents, timeZone: io.timeZone }, io.now(), options.date);
    if (options.json) {
      io.out(`${JSON.stringify(snapshot, null, 2)}\n`);
    } else {
      const registryWhere = redis ? describeRedis(config.redisUrl) : 'not asked: REGISTRY_MODE=sessions';
      io.out(`${statusText(snapshot, { postgres: describeDatabase(config.database), registry: registryWhere })}\n`);
    }
    return statusExitCode(snapshot);
  } finally {
    if (redis) closeRedis(redis);
    await pool.end();
  }
}
