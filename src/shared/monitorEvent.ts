import { z } from 'zod';
import { clipOptional, clipText, TEXT_LIMITS } from './clipText';
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

/** What the monitor hears on ECHO's own channels (`messages:*`, `decisions:*`). */
export const ECHO_EVENT_TYPES = [
  'task_delegated',
  'agent_message',
  'decision_new',
  'decision_vote_required',
  'decision_completed',
  'decision_escalated',
] as const;

export const monitorEventTypeSchema = z.enum([
  ...REGISTRY_EVENT_TYPES,
  ...ECHO_EVENT_TYPES,
  // Seen by the monitor between two polls of Ollama: nothing announces them.
  'model_loaded',
  'model_unloaded',
  'source_down',
  'source_up',
  'alert_raised',
  'alert_resolved',
]);
export type MonitorEventType = z.infer<typeof monitorEventTypeSchema>;

/**
 * An entry of the event stream: announced by the delegator, heard on ECHO's channels, or seen by the monitor itself.
 */
export const monitorEventSchema = z.object({
  id: z.string(),
  at: instantSchema,
  type: monitorEventTypeSchema,
  /**
   * `registry`: published on the events channel; `echo`: a message or decision
   * ECHO's agents published to each other; `monitor`: noticed between two snapshots.
   */
  origin: z.enum(['registry', 'echo', 'monitor']),
  message: z.string(),
  role: z.string().optional(),
  sessionId: z.string().optional(),
  model: z.string().optional(),
});
export type MonitorEvent = z.infer<typeof monitorEventSchema>;

/**
 * The event with each text from a source cut to its limit, marked: what the
 * log keeps, so a thousand entries stay a few hundred kilobytes whatever the
 * delegator published.
 */
export function boundedEvent(event: MonitorEvent): MonitorEvent {
  const bounded: MonitorEvent = {
    ...event,
    id: clipText(event.id, TEXT_LIMITS.label),
    message: clipText(event.message, TEXT_LIMITS.message),
  };
  for (const key of ['role', 'sessionId', 'model'] as const) {
    const value = clipOptional(event[key], TEXT_LIMITS.label);
    if (value !== undefined) bounded[key] = value;
  }
  return bounded;
}

const bytesOrNull = z.number().int().nonnegative().nullable();
/**
 * A figure samples carry since the chart split RAM from GPU memory: absent from older samples, which read as unknown.
 */
const laterBytes = bytesOrNull.optional();

/** One point of the resource chart (the summary's figures of the same names, see Summary). */
export const resourceSampleSchema = z.object({
  at: instantSchema,
  agents: z.number().int().nonnegative().nullable(),
  /** The agents' memory wherever it sits, RAM and GPU together. */
  memoryBytes: bytesOrNull,
  measuredBytes: bytesOrNull,
  estimatedBytes: bytesOrNull,
  machineRamBytes: z.number().int().nonnegative(),
  freeRamBytes: bytesOrNull,
  cpuPercent: z.number().min(0).max(100).nullable(),
  /** The agents' memory in this machine's RAM, estimates included. */
  ramBytes: laterBytes,
  /** The part of ramBytes Ollama and the processes reported. */
  measuredRamBytes: laterBytes,
  /** The agents' models in dedicated GPU memory; null where GPU memory is this RAM (it is in ramBytes). */
  vramBytes: laterBytes,
  /** The GPU's memory in use by anything, and its size, where they can be read (NVIDIA). */
  gpuUsedBytes: laterBytes,
  gpuTotalBytes: laterBytes,
});
export type ResourceSample = z.infer<typeof resourceSampleSchema>;
