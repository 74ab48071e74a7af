import { z } from 'zod';
import { instantSchema } from './model';

/** What the delegator announces on its events channel. */
export const REGISTRY_EVENT_TYPES = [
  'agent_spawned',
  'agent_stopped',
  'agent_crashed',
  'session_started',
  'session_ended',
  'command_ack',
] as const;

export const monitorEventTypeSchema = z.enum([
  ...REGISTRY_EVENT_TYPES,
  'source_down',
  'source_up',
  'alert_raised',
  'alert_resolved',
]);
export type MonitorEventType = z.infer<typeof monitorEventTypeSchema>;

/** An entry of the event stream: announced by the delegator, or seen by the monitor itself. */
export const monitorEventSchema = z.object({
  id: z.string(),
  at: instantSchema,
  type: monitorEventTypeSchema,
  /** `registry`: published on the events channel; `monitor`: noticed between two snapshots. */
  origin: z.enum(['registry', 'monitor']),
  message: z.string(),
  role: z.string().optional(),
  sessionId: z.string().optional(),
  model: z.string().optional(),
});
export type MonitorEvent = z.infer<typeof monitorEventSchema>;

/** One point of the resource chart. */
export const resourceSampleSchema = z.object({
  at: instantSchema,
  agents: z.number().int().nonnegative().nullable(),
  memoryGb: z.number().nonnegative().nullable(),
  measuredGb: z.number().nonnegative().nullable(),
  estimatedGb: z.number().nonnegative().nullable(),
  machineRamGb: z.number().nonnegative(),
  freeRamGb: z.number().nonnegative().nullable(),
  cpuPercent: z.number().min(0).max(100).nullable(),
});
export type ResourceSample = z.infer<typeof resourceSampleSchema>;
