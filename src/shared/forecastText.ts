import { BYTES_PER_GB, formatBytes, formatDuration, formatMinutes, joinNames } from './format';
import type { CategoryForecast } from './forecast';

/** `+39.7 GB`, or `+15.7 GB RAM + 24 GB GPU` where a GPU would take part of it. */
export function needText(forecast: CategoryForecast): string {
  return forecast.needVramBytes > 0
    ? `+${formatBytes(forecast.needRamBytes)} RAM + ${formatBytes(forecast.needVramBytes)} GPU`
    : `+${formatBytes(forecast.needBytes)}`;
}

/**
 * ` (12 MB short)`: by how much RAM it misses, as figures rounded for reading
 * may look equal (`+7.1 GB, 7.1 GB free`) where the exact bytes are not.
 */
function shortText(forecast: CategoryForecast): string {
  const short = forecast.freeBytes === null ? 0 : forecast.needRamBytes - forecast.freeBytes;
  return short > 0 ? ` (${formatBytes(short)} short)` : '';
}

function secondsUntil(at: string, now: number): number {
  return Math.max(0, (Date.parse(at) - now) / 1000);
}

function unloadingText(unloading: readonly string[]): string {
  return unloading.length === 1
    ? `${unloading[0] ?? ''} unloads, if nothing calls it`
    : `${joinNames(unloading)} unload, if nothing calls them`;
}

/**
 * The verdict in words, `wait` being how a countdown is shown (seconds for a
 * view that ticks, whole minutes for a menu rebuilt only when its text
 * changes). With free memory or Ollama's models unknown there is no verdict,
 * never a guess.
 */
function verdictWords(forecast: CategoryForecast, wait: (seconds: number) => string, now: number): string {
  switch (forecast.verdict) {
    case null:
      return 'unknown';
    case 'fits':
      return 'fits';
    case 'fits-after-eviction': {
      const bytes = forecast.evicting.reduce((sum, model) => sum + model.bytes, 0);
      return `fits after Ollama evicts idle ${joinNames(forecast.evicting.map((model) => model.model))} (${formatBytes(bytes)})`;
    }
    case 'fits-later': {
      const later = forecast.fitsLater;
      return later === null
        ? 'will not fit'
        : `fits in ${wait(secondsUntil(later.at, now))}, once ${unloadingText(later.unloading)}`;
    }
    case 'only-by-swapping':
      return 'only by swapping: this Mac is under memory pressure';
    case 'over-model-limit':
      return `over Ollama's model limit (${String(forecast.modelLimit ?? '?')} loaded at once): models will swap in and out`;
    case 'will-not-fit':
      return `will not fit${shortText(forecast)}`;
  }
}

/**
 * `fits`, `fits after Ollama evicts idle qwen2.5:14b (8.2 GB)`, `fits in 4m 10s, once …`: counted from `now`, so a view
 * can tick it down.
 */
export function verdictText(forecast: CategoryForecast, now: number): string {
  return verdictWords(forecast, formatDuration, now);
}

/** `technical: +39.7 GB, 22.1 GB free, will not fit`: one line of the command line's text. */
export function forecastLine(forecast: CategoryForecast, now: number): string {
  const need = `${forecast.category}: ${needText(forecast)}`;
  if (forecast.freeBytes === null) return `${need}, free memory unknown`;
  const gpu = forecast.freeVramBytes === null ? '' : ` and ${formatBytes(forecast.freeVramBytes)} GPU`;
  return `${need}, ${formatBytes(forecast.freeBytes)}${gpu} free, ${verdictText(forecast, now)}`;
}

/** Whether the tray warns of a category: only a sure "no", or a "not now". */
export function trayWarns(forecast: CategoryForecast): boolean {
  return (
    forecast.verdict === 'will-not-fit' ||
    forecast.verdict === 'fits-later' ||
    forecast.verdict === 'only-by-swapping' ||
    forecast.verdict === 'over-model-limit'
  );
}

/**
 * `technical would not fit: +39.7 GB, 22 GB free`: the tray's warning, for a category that will not fit now. Free
 * memory in whole GB and waits in whole minutes: they move on every poll, and each change of the text rebuilds the
 * menu.
 */
export function wouldNotFitLine(forecast: CategoryForecast, now: number): string {
  const free =
    forecast.freeBytes === null
      ? 'free memory unknown'
      : `${formatBytes(Math.round(forecast.freeBytes / BYTES_PER_GB) * BYTES_PER_GB)} free`;
  const head = `${forecast.category} would not fit: ${needText(forecast)}, ${free}`;
  return forecast.verdict === 'will-not-fit' ? head : `${head}; ${verdictWords(forecast, formatMinutes, now)}`;
}
