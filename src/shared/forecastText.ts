import { formatGb } from './format';
import type { CategoryForecast } from './forecast';

/** The verdict in words; with free memory or Ollama's models unknown there is no verdict, never a guess. */
export function fitText(fits: boolean | null): string {
  return fits === null ? 'unknown' : fits ? 'fits' : 'will not fit';
}

/** `+39.7 GB`, or `+15.7 GB RAM + 24 GB GPU` where a GPU would take part of it. */
export function needText(forecast: CategoryForecast): string {
  return forecast.needVramGb > 0 ? `+${formatGb(forecast.needRamGb)} RAM + ${formatGb(forecast.needVramGb)} GPU` : `+${formatGb(forecast.needGb)}`;
}

/** `technical: +39.7 GB, 22.1 GB free, will not fit`: one line of the command line's text. */
export function forecastLine(forecast: CategoryForecast): string {
  const need = `${forecast.category}: ${needText(forecast)}`;
  if (forecast.freeGb === null) return `${need}, free memory unknown`;
  const gpu = forecast.freeVramGb === null ? '' : ` and ${formatGb(forecast.freeVramGb)} GPU`;
  return `${need}, ${formatGb(forecast.freeGb)}${gpu} free, ${fitText(forecast.fits)}`;
}

/**
 * `technical would not fit: +39.7 GB, 22 GB free`: the tray's warning, for a category that will not fit.
 * Free memory in whole GB: it moves on every poll, and each change of the text rebuilds the menu.
 */
export function wouldNotFitLine(forecast: CategoryForecast): string {
  const free = forecast.freeGb === null ? 'free memory unknown' : `${formatGb(Math.round(forecast.freeGb))} free`;
  return `${forecast.category} would not fit: ${needText(forecast)}, ${free}`;
}
