import type { LocalDate, Snapshot } from '../../shared/model';
import { describeDatabase, describeRedis, type MonitorConfig } from '../config';
import { DEFAULT_RECONCILE_SETTINGS } from '../core/reconcile';
import { advancePipeline, initialPipelineState } from '../core/pipeline';
import { isDown } from '../core/sourceHealth';
import { openSources } from '../openSources';
import { readSources } from '../readSources';
import { withConfigOrDemo } from '../demo/withDemo';
import { EXIT, type ExitCode } from './exitCodes';
import type { CliIo } from './output';
import { statusText } from './statusText';

export interface StatusOptions {
  readonly json: boolean;
  readonly date?: LocalDate;
}

/** Nagios-style: a source down or a critical alert is 2, a warning 1. */
export function statusExitCode(snapshot: Snapshot): ExitCode {
  const { postgres, registry, ollama } = snapshot.sources;
  if ([postgres, registry, ollama].some(isDown)) return EXIT.critical;
  if (snapshot.alerts.some((alert) => alert.severity === 'critical')) return EXIT.critical;
  if (snapshot.alerts.length > 0) return EXIT.warning;
  return EXIT.ok;
}

/** CPU time over less than this says little; a one-shot status waits for it at most this long. */
const CPU_WINDOW_MS = 250;

/** One snapshot, printed; the exit code follows its alerts and sources. Without a configuration, of the demo. */
export function statusCommand(config: MonitorConfig | null, options: StatusOptions, io: CliIo): Promise<ExitCode> {
  return withConfigOrDemo(config, { dataDir: null }, (effective) => statusOf(effective, options, io));
}

async function statusOf(config: MonitorConfig, options: StatusOptions, io: CliIo): Promise<ExitCode> {
  const open = openSources(config, { timeZone: io.timeZone, persistent: false, cpuWindowMs: CPU_WINDOW_MS });
  try {
    const readings = await readSources(open.sources, io.now(), options.date);
    // A single look has no earlier polls to wait for: whatever holds now is reported now.
    const { snapshot } = advancePipeline(initialPipelineState(), readings, {
      timeZone: io.timeZone,
      registryMode: config.registryMode,
      alerts: { ...config.alerts, pendingPolls: 1 },
      reconcile: DEFAULT_RECONCILE_SETTINGS,
    });
    if (options.json) {
      io.out(`${JSON.stringify(snapshot, null, 2)}\n`);
    } else {
      const registry = config.registryMode === 'sessions' ? 'not asked: REGISTRY_MODE=sessions' : describeRedis(config.redisUrl);
      const ollama = config.ollamaEndpoint ?? 'not asked: OLLAMA_ENDPOINT=off';
      io.out(`${statusText(snapshot, { postgres: describeDatabase(config.database), registry, ollama })}\n`);
    }
    return statusExitCode(snapshot);
  } finally {
    await open.close();
  }
}
