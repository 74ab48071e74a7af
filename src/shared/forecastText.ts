import { formatGb } from './format';
import type { CategoryForecast } from './model';

/** The verdict in words; with free memory or Ollama's models unknown there is no verdict, never a guess. */
export function fitText(fits: boolean | null): string {
  return fits === null ? 'unknown' : fits ? 'fits' : 'will not fit';
}

/** `technical: +39.7 GB, 22.1 GB free, will not fit`: one line of the command line's text. */
export function forecastLine(forecast: CategoryForecast): string {
  const need = `${forecast.category}: +${formatGb(forecast.needGb)}`;
  if (forecast.freeGb === null) return `${need}, free memory unknown`;
  return `${need}, ${formatGb(forecast.freeGb)} free, ${fitText(forecast.fits)}`;
}

/**
 * `technical would not fit: +39.7 GB, 22 GB free`: the tray's warning, for a category that will not fit.
 * Free memory in whole GB: it moves on every poll, and each change of the text rebuilds the menu.
 */
export function wouldNotFitLine(forecast: CategoryForecast): string {
  const free = forecast.freeGb === null ? 'free memory unknown' : `${formatGb(Math.round(forecast.freeGb))} free`;
  return `${forecast.category} would not fit: +${formatGb(forecast.needGb)}, ${free}`;
}
