import { z } from 'zod';
import { instantSchema } from './instant';

/**
 * Where an agent was seen: the delegator's registry (ours, optional), ECHO's
 * `agent_status` heartbeats, its own OS process on this machine, a
 * subscription to its ECHO channel `messages:<role>` (on any host), or an
 * active session's `active_agents`.
 */
export const agentOriginSchema = z.enum(['registry', 'heartbeat', 'process', 'subscription', 'sessions']);
export type AgentOrigin = z.infer<typeof agentOriginSchema>;

export const agentRecordSchema = z.object({
  role: z.string(),
  model: z.string(),
  spawnedAt: instantSchema.nullable(),
  sessionId: z.string().nullable(),
  pid: z.number().int().positive().nullable(),
  host: z.string().nullable(),
  status: z.string().nullable(),
  lastHeartbeat: instantSchema.nullable(),
  /** Every source that saw it, in the order of `agentOriginSchema`. */
  origins: z.array(agentOriginSchema).min(1),
});
export type AgentRecord = z.infer<typeof agentRecordSchema>;

/** What ECHO's `agent_status` says of an agent. */
export const agentHeartbeatSchema = z.object({
  status: z.string(),
  ageSeconds: z.number().int().nonnegative(),
  /** The Erlang node that sent it. */
  node: z.string().nullable(),
  version: z.string().nullable(),
});
export type AgentHeartbeat = z.infer<typeof agentHeartbeatSchema>;

/** The three readings of an agent's memory, side by side so drift between them shows. */
export const agentMemorySchema = z.object({
  /** 1 GB per billion parameters of the model, or the user's own figure: what loading it would take. */
  estimatedBytes: z.number().int().nonnegative(),
  /**
   * Whether Ollama holds the model now: false when it answered without it
   * (ECHO sends no keep_alive, so an idle model unloads after 5 minutes);
   * null when Ollama could not be asked.
   */
  modelLoaded: z.boolean().nullable(),
  /** What Ollama reports its model takes, while loaded. */
  ollamaBytes: z.number().int().nonnegative().nullable(),
  /** The part of Ollama's figure in GPU memory (`size_vram`); null when Ollama does not hold the model. */
  vramBytes: z.number().int().nonnegative().nullable(),
  /** Resident memory of the agent's own processes (every copy), for live local pids. */
  processBytes: z.number().int().nonnegative().nullable(),
});
export type AgentMemory = z.infer<typeof agentMemorySchema>;

export const launchFormSchema = z.enum(['autonomous', 'mcp', 'mix']);

/** One of ECHO's Erlang VMs on this machine: an agent's copy, or a delegator. */
export const echoProcessViewSchema = z.object({
  pid: z.number().int().positive(),
  role: z.string(),
  /** The ECHO checkout it runs from; null where a relative path could not be resolved. */
  root: z.string().nullable(),
  /** `--autonomous`, MCP mode (no flag), or `mix run`. */
  form: launchFormSchema,
  processBytes: z.number().int().nonnegative().nullable(),
  cpuPercent: z.number().nonnegative().nullable(),
  uptimeSeconds: z.number().int().nonnegative().nullable(),
  parentPid: z.number().int().positive().nullable(),
  /** The parent's executable: `timeout`, `bash`, `beam.smp`; null where unknown. */
  parentName: z.string().nullable(),
  /** What its parent chain still reaches: a delegator, Claude Desktop, or neither. */
  launchedBy: z.enum(['delegator', 'claude-desktop']).nullable(),
  /** Its parent exited and init (or a subreaper) took it over: nobody will stop it. */
  orphaned: z.boolean(),
  /** Another user's process: shown, never signalled. */
  otherUser: z.boolean(),
});
export type EchoProcessView = z.infer<typeof echoProcessViewSchema>;

export const agentViewSchema = agentRecordSchema.extend({
  /**
   * The model's memory now: Ollama's figure while it holds the model, 0 when it answered without it, else the estimate.
   */
  memoryBytes: z.number().int().nonnegative(),
  memory: agentMemorySchema,
  /** Whether the agent's pid is alive on this machine; null when that cannot be told. */
  processAlive: z.boolean().nullable(),
  /** Its process's CPU between the last two polls, as a share of one core (100 = one core busy). */
  cpuPercent: z.number().nonnegative().nullable(),
  /** From its process's start where that is known, else from when it was spawned. */
  uptimeSeconds: z.number().int().nonnegative().nullable(),
  /** Its row of `agent_status`; null where ECHO keeps none. */
  heartbeat: agentHeartbeatSchema.nullable(),
  /**
   * Every process of this role on this machine, oldest first: more than one means ECHO handles each message more than
   * once.
   */
  copies: z.array(echoProcessViewSchema),
  /**
   * Subscribers to its ECHO channel `messages:<role>`, on any host: its live copies; null where ECHO's Redis was not
   * asked.
   */
  subscribers: z.number().int().nonnegative().nullable(),
});
export type AgentView = z.infer<typeof agentViewSchema>;
