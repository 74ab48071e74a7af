import { formatGb, formatRole } from '../../../../shared/format';
import { fitText } from '../../../../shared/forecastText';
import type { AdmissionForecast } from '../../../../shared/model';
import { UNKNOWN } from './unknown';

export interface ForecastRow {
  readonly category: string;
  readonly agentsText: string;
  readonly needText: string;
  readonly freeText: string;
  readonly fits: boolean | null;
  readonly fitText: string;
}

export function selectForecastRows(forecast: AdmissionForecast): ForecastRow[] {
  return forecast.categories.map((entry) => ({
    category: entry.category,
    agentsText: entry.agents.map(formatRole).join(', '),
    needText: `+${formatGb(entry.needGb)}`,
    freeText: entry.freeGb === null ? UNKNOWN : formatGb(entry.freeGb),
    fits: entry.fits,
    fitText: fitText(entry.fits),
  }));
}
