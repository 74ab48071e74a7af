import { formatGb, formatRole } from '../../../../shared/format';
import { fitText, needText } from '../../../../shared/forecastText';
import type { AdmissionForecast, CategoryForecast } from '../../../../shared/forecast';
import { UNKNOWN } from './unknown';

export interface ForecastRow {
  readonly category: string;
  readonly agentsText: string;
  readonly needText: string;
  readonly freeText: string;
  readonly fits: boolean | null;
  readonly fitText: string;
  /** The whole entry, for the countdown to when it would fit; ticked by the view. */
  readonly later: CategoryForecast | null;
}

export function selectForecastRows(forecast: AdmissionForecast): ForecastRow[] {
  return forecast.categories.map((entry) => ({
    category: entry.category,
    agentsText: entry.agents.map(formatRole).join(', '),
    // Where a GPU takes part of the need, the RAM and GPU shares are shown apart, as each is weighed against its own free memory.
    needText: needText(entry),
    freeText: `${entry.freeGb === null ? UNKNOWN : formatGb(entry.freeGb)}${entry.freeVramGb === null ? '' : ` + ${formatGb(entry.freeVramGb)} GPU`}`,
    fits: entry.fits,
    fitText: fitText(entry.fits),
    later: entry.fitsLater === null ? null : entry,
  }));
}
