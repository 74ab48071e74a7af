import { join } from 'node:path';
import { z } from 'zod';
import { gbToBytes } from '../../shared/format';
import { instantSchema } from '../../shared/instant';
import {
  boundedEvent,
  monitorEventSchema,
  resourceSampleSchema,
  type MonitorEvent,
  type ResourceSample,
} from '../../shared/monitorEvent';
import { EVENT_LOG_LIMIT, SERIES_LIMIT } from '../../shared/series';
import { EVENT_LOG_FILE } from '../export/eventEntries';
import { JsonlStore } from '../sources/jsonlStore';

const gbOrNull = z.number().nonnegative().nullable();
const bytesOrNull = (gb: number | null): number | null => (gb === null ? null : gbToBytes(gb));

/**
 * A sample as releases before exact bytes wrote it: memory in GB to a tenth.
 * Read so an upgrade keeps the day's chart rather than dropping every line.
 */
const gbSampleSchema = z
  .object({
    at: instantSchema,
    agents: z.number().int().nonnegative().nullable(),
    memoryGb: gbOrNull,
    measuredGb: gbOrNull,
    estimatedGb: gbOrNull,
    machineRamGb: z.number().nonnegative(),
    freeRamGb: gbOrNull,
    cpuPercent: z.number().min(0).max(100).nullable(),
  })
  .transform((old): ResourceSample => ({
    at: old.at,
    agents: old.agents,
    memoryBytes: bytesOrNull(old.memoryGb),
    measuredBytes: bytesOrNull(old.measuredGb),
    estimatedBytes: bytesOrNull(old.estimatedGb),
    machineRamBytes: gbToBytes(old.machineRamGb),
    freeRamBytes: bytesOrNull(old.freeRamGb),
    cpuPercent: old.cpuPercent,
  }));

/**
 * A line of `resource-series.jsonl`: a sample in bytes, or one an earlier
 * release wrote in GB. Samples from before the chart told RAM from GPU memory
 * lack ramBytes, measuredRamBytes, vramBytes and the GPU's figures; they read
 * as unknown, and the chart draws no agents' RAM for them rather than guess.
 */
export const storedSampleSchema = z.union([resourceSampleSchema, gbSampleSchema]);

/** The chart's samples and the event log, kept in the data folder across restarts. */
export function openMonitorStores(dataDir: string): {
  readonly series: JsonlStore<ResourceSample>;
  readonly events: JsonlStore<MonitorEvent>;
} {
  return {
    // Bounded in bytes as in entries: a line longer than any this app writes is not its own.
    series: new JsonlStore(join(dataDir, 'resource-series.jsonl'), storedSampleSchema, SERIES_LIMIT, 1024),
    events: new JsonlStore(
      join(dataDir, EVENT_LOG_FILE),
      monitorEventSchema.transform(boundedEvent),
      EVENT_LOG_LIMIT,
      8192,
    ),
  };
}
