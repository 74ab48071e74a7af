import { formatBytes, formatRole } from '../../../../shared/format';
import { needText, verdictText } from '../../../../shared/forecastText';
import type { AdmissionForecast, CategoryForecast } from '../../../../shared/forecast';
import { UNKNOWN } from './unknown';

export interface ForecastRow {
  readonly category: string;
  readonly agentsText: string;
  readonly needText: string;
  readonly freeText: string;
  readonly fits: boolean | null;
  /** The verdict in words, as of the snapshot. */
  readonly verdictText: string;
  /** The whole entry where the verdict counts down to when it would fit; the view ticks it. */
  readonly later: CategoryForecast | null;
}

export function selectForecastRows(forecast: AdmissionForecast): ForecastRow[] {
  return forecast.categories.map((entry) => ({
    category: entry.category,
    agentsText: entry.agents.map(formatRole).join(', '),
    // Where a GPU takes part of the need, the RAM and GPU shares are shown apart, as each is weighed against its own
    // free memory.
    needText: needText(entry),
    freeText: `${entry.freeBytes === null ? UNKNOWN : formatBytes(entry.freeBytes)}${entry.freeVramBytes === null ? '' : ` + ${formatBytes(entry.freeVramBytes)} GPU`}`,
    fits: entry.fits,
    // Only a countdown reads the time, and the view ticks that one itself.
    verdictText: entry.verdict === 'fits-later' ? '' : verdictText(entry, 0),
    later: entry.verdict === 'fits-later' ? entry : null,
  }));
}
