import { formatDuration, formatGb, formatMinutes, joinNames } from './format';
import type { CategoryForecast } from './forecast';

/** The verdict in words; with free memory or Ollama's models unknown there is no verdict, never a guess. */
export function fitText(fits: boolean | null): string {
  return fits === null ? 'unknown' : fits ? 'fits' : 'will not fit';
}

/** `+39.7 GB`, or `+15.7 GB RAM + 24 GB GPU` where a GPU would take part of it. */
export function needText(forecast: CategoryForecast): string {
  return forecast.needVramGb > 0 ? `+${formatGb(forecast.needRamGb)} RAM + ${formatGb(forecast.needVramGb)} GPU` : `+${formatGb(forecast.needGb)}`;
}

function secondsUntil(at: string, now: number): number {
  return Math.max(0, (Date.parse(at) - now) / 1000);
}

function unloadingText(unloading: readonly string[]): string {
  return unloading.length === 1 ? `${unloading[0] ?? ''} unloads, if nothing calls it` : `${joinNames(unloading)} unload, if nothing calls them`;
}

/**
 * `fits in 4m 10s, once qwen2.5:14b unloads, if nothing calls it`: when a
 * category that will not fit now would, or null. Counted from `now`, so a view
 * can tick it down between snapshots.
 */
export function fitsLaterText(forecast: CategoryForecast, now: number): string | null {
  const later = forecast.fitsLater;
  return later && `fits in ${formatDuration(secondsUntil(later.at, now))}, once ${unloadingText(later.unloading)}`;
}

/** `technical: +39.7 GB, 22.1 GB free, will not fit`: one line of the command line's text. */
export function forecastLine(forecast: CategoryForecast, now: number): string {
  const need = `${forecast.category}: ${needText(forecast)}`;
  if (forecast.freeGb === null) return `${need}, free memory unknown`;
  const gpu = forecast.freeVramGb === null ? '' : ` and ${formatGb(forecast.freeVramGb)} GPU`;
  const later = fitsLaterText(forecast, now);
  return `${need}, ${formatGb(forecast.freeGb)}${gpu} free, ${fitText(forecast.fits)}${later === null ? '' : `; ${later}`}`;
}

/**
 * `technical would not fit: +39.7 GB, 22 GB free`: the tray's warning, for a category that will not fit.
 * Free memory in whole GB: it moves on every poll, and each change of the text rebuilds the menu.
 */
export function wouldNotFitLine(forecast: CategoryForecast, now: number): string {
  const free = forecast.freeGb === null ? 'free memory unknown' : `${formatGb(Math.round(forecast.freeGb))} free`;
  // Whole minutes here too, for the same reason.
  const later = forecast.fitsLater && `; fits in ${formatMinutes(secondsUntil(forecast.fitsLater.at, now))}, once ${unloadingText(forecast.fitsLater.unloading)}`;
  return `${forecast.category} would not fit: ${needText(forecast)}, ${free}${later ?? ''}`;
}
