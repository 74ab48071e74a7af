import type { AgentWork } from './echoWorkModel';
import { formatDuration } from './format';

/** An agent's backlog and last activity from ECHO's records, as short phrases: `3 waiting, oldest 12m 0s`, `last sent 2m 0s ago`. */
export function agentWorkParts(work: AgentWork | undefined, now: number): string[] {
  if (work === undefined) return [];
  return [
    work.backlog === 0 ? null : `${work.backlog} waiting, oldest ${formatDuration(work.waiting[0]?.ageSeconds ?? 0)}`,
    work.failuresTotal === 0 ? null : `${work.failuresTotal} failed`,
    work.lastSent === null ? null : `last sent ${formatDuration(work.lastSent.ageSeconds)} ago`,
    work.llm === null ? null : `model called ${formatDuration(Math.max(0, Math.floor((now - Date.parse(work.llm.lastQueryAt)) / 1000)))} ago`,
    // ECHO sends no keep-alive: a quiet agent's model leaves Ollama 5 minutes after its last call.
    work.llm === null || work.llm.quietUnloadInSeconds === 0 ? null : `its model unloads in ${formatDuration(work.llm.quietUnloadInSeconds)} if it stays quiet`,
  ].filter((part): part is string => part !== null);
}
