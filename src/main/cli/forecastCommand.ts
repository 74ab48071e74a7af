import { reasonWithoutSource, SOURCE_LABELS } from '../../shared/format';
import { forecastLine } from '../../shared/forecastText';
import type { SourceName } from '../../shared/model';
import type { AdmissionForecast, CategoryForecast } from '../../shared/forecast';
import { escapeControls, escapeJsonControls } from '../../shared/terminalText';
import type { MonitorConfig } from '../config';
import { isDown } from '../core/sourceHealth';
import { withConfigOrDemo } from '../demo/withDemo';
import { EXIT, type ExitCode } from './exitCodes';
import { takeOneSnapshot } from './oneSnapshot';
import type { CliIo } from './output';
import { sourceNameSchema } from '../../shared/model';

export interface ForecastOptions {
  readonly json: boolean;
  /** One of ECHO's categories; all of them when absent. */
  readonly category?: string;
}

/** Some adapters name themselves in their errors (`Ollama: connect ECONNREFUSED`); the line names the source once. */
function reasonOf(source: SourceName, error: string | undefined): string {
  return error === undefined ? 'no answer' : escapeControls(reasonWithoutSource(source, error));
}

/**
 * One category's line; the category is ECHO's own today, but it and Ollama's model names reach the terminal all the
 * same.
 */
function shownLine(entry: CategoryForecast, now: number): string {
  const fitsLater = entry.fitsLater && { ...entry.fitsLater, unloading: entry.fitsLater.unloading.map(escapeControls) };
  return forecastLine({ ...entry, category: escapeControls(entry.category), fitsLater }, now);
}

/** Per category, the memory its agents would add and whether it fits. Without a configuration, of the demo. */
export function forecastCommand(config: MonitorConfig | null, options: ForecastOptions, io: CliIo): Promise<ExitCode> {
  return withConfigOrDemo(config, { dataDir: null }, (effective) => forecastOf(effective, options, io));
}

async function forecastOf(config: MonitorConfig, options: ForecastOptions, io: CliIo): Promise<ExitCode> {
  // One snapshot, as `status` takes it: the forecast is the one the dashboard and the tray show.
  const snapshot = await takeOneSnapshot(config, io);
  const forecast: AdmissionForecast = {
    categories: snapshot.forecast.categories.filter(
      (entry) => options.category === undefined || entry.category === options.category,
    ),
  };
  io.out(
    options.json
      ? `${escapeJsonControls(JSON.stringify(forecast, null, 2))}\n`
      : `${forecast.categories.map((entry) => shownLine(entry, Date.parse(snapshot.takenAt))).join('\n')}\n`,
  );
  const down = sourceNameSchema.options.filter((source) => isDown(snapshot.sources[source]));
  if (down.length === 0) return EXIT.ok;
  for (const source of down)
    io.err(`${SOURCE_LABELS[source]} is down: ${reasonOf(source, snapshot.sources[source].error)}\n`);
  // A model loaded where nobody could look is counted as needed: the figures are an upper bound.
  io.err(
    'The forecast counts only what could be read: what a source that is down would show loaded is counted as needed.\n',
  );
  return EXIT.critical;
}
