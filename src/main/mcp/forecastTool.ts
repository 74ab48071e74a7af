import { z } from 'zod';
import { admissionForecastSchema, type CategoryForecast } from '../../shared/forecast';
import { forecastLine } from '../../shared/forecastText';
import { instantSchema } from '../../shared/instant';
import { escapeControls } from '../../shared/terminalText';
import { CATEGORY_AGENTS } from '../core/echoRoster';
import type { MonitorService } from '../monitor/monitorService';
import { withSnapshot } from './snapshotTools';
import { answer, downSources, sourcesDownField } from './toolAnswers';
import { defineTool, READ_ONLY, type Tool } from './toolDefinition';

// ECHO's roster has its seven categories; z.enum wants them as a tuple, which Object.keys cannot type.
const CATEGORIES = Object.keys(CATEGORY_AGENTS) as [string, ...string[]];

/** One category's line, as `forecast` prints it: the category and Ollama's model names come from outside. */
function shownLine(entry: CategoryForecast, now: number): string {
  const fitsLater = entry.fitsLater && { ...entry.fitsLater, unloading: entry.fitsLater.unloading.map(escapeControls) };
  const agents = entry.agents.map(escapeControls).join(', ');
  return `${forecastLine({ ...entry, category: escapeControls(entry.category), fitsLater }, now)} (agents: ${agents})`;
}

/** Will a category's agents fit: the snapshot's forecast, the one `forecast`, the dashboard and the tray show. */
export function forecastTool(service: Pick<MonitorService, 'getSnapshot'>): Tool {
  return defineTool({
    name: 'forecast',
    title: 'Admission forecast',
    description:
      "Whether starting a session of one of ECHO's categories would fit in memory given the models loaded now: it fits now, fits once Ollama evicts idle models (which ones), fits later once loaded models' keep-alive runs out (when), only by swapping, goes over Ollama's model limit, or will not fit (by how much). Each category's agents, the memory their models would add (RAM and GPU) and the memory free. Call it before suggesting work that would start agents. A verdict of null means free memory is unknown: no claim either way.",
    input: z.object({
      category: z
        .enum(CATEGORIES)
        .optional()
        .describe(`One of ECHO's categories: ${CATEGORIES.join(', ')}; every category when absent`),
    }),
    output: z.object({
      takenAt: instantSchema,
      categories: admissionForecastSchema.shape.categories,
      ...sourcesDownField,
    }),
    annotations: READ_ONLY,
    run: ({ category }) =>
      withSnapshot(service, (snapshot) => {
        const categories = snapshot.forecast.categories.filter(
          (entry) => category === undefined || entry.category === category,
        );
        const now = Date.parse(snapshot.takenAt);
        const sourcesDown = downSources(snapshot);
        // As `forecast` says it: a model loaded where nobody could look is counted as needed.
        const upperBound =
          sourcesDown.length === 0
            ? []
            : [
                'The forecast counts only what could be read: what a source that is down would show loaded is counted as needed.',
              ];
        return answer([...categories.map((entry) => shownLine(entry, now)), ...upperBound], {
          takenAt: snapshot.takenAt,
          categories,
          sourcesDown,
        });
      }),
  });
}
