import { executableIn, type EchoProcess } from '../../core/echoProcess';
import type { AgentProcess, ParentProcess } from '../../core/readings';
import type { ListedProcess } from './processListing';

/** Where orphans go: init, or the subreaper a desktop session keeps (systemd --user, launchd). */
const REAPERS: readonly string[] = ['systemd', 'init', 'launchd'];
/** Claude Desktop, which runs ECHO's agents as MCP servers. */
const CLAUDE_DESKTOP = /^claude/i;
/** A parent chain longer than this is not followed further. */
const CHAIN_LIMIT = 64;

export interface Lineage {
  readonly parent: ParentProcess | null;
  readonly launchedBy: AgentProcess['launchedBy'];
  readonly orphaned: boolean;
}

/**
 * The process's parent, whether that parent chain still reaches a delegator or Claude Desktop, and whether it was
 * orphaned.
 */
export function lineage(
  entry: ListedProcess,
  all: ReadonlyMap<number, ListedProcess>,
  echo: ReadonlyMap<number, EchoProcess>,
): Lineage {
  const parentEntry = entry.ppid === null ? undefined : all.get(entry.ppid);
  const parent =
    entry.ppid === null || entry.ppid === 0 ? null : { pid: entry.ppid, name: parentEntry?.executable ?? null };
  const orphaned = entry.ppid === 1 || executableIn(parentEntry?.executable ?? null, REAPERS);
  let launchedBy: AgentProcess['launchedBy'] = null;
  let at = parentEntry;
  for (let steps = 0; at !== undefined && steps < CHAIN_LIMIT && launchedBy === null; steps += 1) {
    if (echo.get(at.pid)?.kind === 'delegator') launchedBy = 'delegator';
    else if (at.executable !== null && CLAUDE_DESKTOP.test(at.executable)) launchedBy = 'claude-desktop';
    at = at.ppid === null || at.ppid === at.pid ? undefined : all.get(at.ppid);
  }
  return { parent, launchedBy, orphaned };
}
