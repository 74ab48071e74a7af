import { describeDatabase, describeRedis, type MonitorConfig } from '../config';
import type { SourceLabels } from './statusText';

/** The registry line: the demo reads no registry, and nobody set REGISTRY_MODE for it. */
function registryLine(config: MonitorConfig, demo: boolean): string {
  if (config.registryMode !== 'sessions') return describeRedis(config.redisUrl);
  return demo ? 'none in the demo, which has no Redis' : 'not asked: REGISTRY_MODE=sessions';
}

/** Where each source was read, as `status`'s header block (and the MCP server's summary) names it. */
export function sourceLabels(config: MonitorConfig, demo: boolean): SourceLabels {
  return {
    postgres: describeDatabase(config.database),
    registry: registryLine(config, demo),
    ollama: config.ollamaEndpoint ?? 'not asked: OLLAMA_ENDPOINT=off',
  };
}
