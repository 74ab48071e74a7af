import type { Snapshot } from '../../shared/model';
import { describeDatabase, describeRedis, type MonitorConfig } from '../config';
import type { Logger } from '../core/logger';
import { sourceTransitions, type SourcesDown } from '../core/sourceTransitions';

/**
 * What a monitor reads and where it keeps its history, in one line for the
 * log: enough to tell, months later, which ECHO a line was about. No
 * password: the database and Redis are named as `describe…` names them.
 */
export function describeWatched(config: MonitorConfig, dataDir: string | null): string {
  const redis = `registry ${describeRedis(config.redisUrl)} (${config.registryMode})`;
  const registry = config.registryMode === 'sessions' ? 'no registry' : redis;
  return [
    `PostgreSQL ${describeDatabase(config.database)}`,
    registry,
    `Ollama ${config.ollamaEndpoint ?? 'off'}`,
    `a poll every ${String(config.pollMs)} ms`,
    `history ${dataDir === null ? 'in memory' : `in ${dataDir}`}`,
  ].join(', ');
}

/**
 * A snapshot listener that logs each source's going down (a warning, with its
 * reason) and coming back (news, with how long it was down): once each, not
 * at every failed try.
 */
export function sourceTransitionLog(log: Logger): (snapshot: Snapshot) => void {
  let down: SourcesDown = {};
  return (snapshot) => {
    const told = sourceTransitions(down, snapshot.sources, Date.parse(snapshot.takenAt));
    down = told.down;
    for (const transition of told.transitions) {
      if (transition.kind === 'down') log.warn(transition.line);
      else log.info(transition.line);
    }
  };
}
