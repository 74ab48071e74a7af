import type { CommandRequest } from '../../shared/commands';
import { formatRole } from '../../shared/format';
import type { EchoProcessView, Snapshot } from '../../shared/model';
import { sameRoot } from './echoProcess';

export type StopChoice =
  | { readonly kind: 'process'; readonly pid: number; readonly root: string }
  /** No process of the role runs on this machine: only a delegator, elsewhere, could stop it. */
  | { readonly kind: 'none'; readonly reason: string }
  /** Processes of it run here, and none may be signalled: the reason says why. */
  | { readonly kind: 'refused'; readonly reason: string };

/** The one ECHO root whose agents may be signalled: the configured one, or the only one running here. */
export function stoppableRoot(snapshot: Snapshot | null): string | null {
  const echo = snapshot?.echo ?? null;
  if (echo === null) return null;
  return echo.configuredRoot ?? (echo.roots.length === 1 ? (echo.roots[0] ?? null) : null);
}

const pids = (copies: readonly EchoProcessView[]): string => copies.map((copy) => copy.pid).join(', ');

/**
 * Which process Stop may signal for this request, from the snapshot the user
 * acted on: a copy of the role on this machine, under the one root that may be
 * stopped, of this user; the pid the user named where the role runs more than
 * once. The process is checked again right before the signal.
 */
export function chooseStopTarget(
  snapshot: Snapshot | null,
  request: Extract<CommandRequest, { type: 'stop_agent' }>,
): StopChoice {
  const name = formatRole(request.role);
  const copies = snapshot?.agents?.find((agent) => agent.role === request.role)?.copies ?? [];
  if (copies.length === 0) return { kind: 'none', reason: `no process of ${name} runs on this machine` };
  const root = stoppableRoot(snapshot);
  if (root === null) {
    const roots = snapshot?.echo?.roots ?? [];
    return {
      kind: 'refused',
      reason:
        roots.length > 1
          ? `ECHO runs here from ${roots.length} checkouts (${roots.join(', ')}); set MONITOR_AGENT_PROCESSES to the one whose agents may be stopped`
          : `the ECHO checkout ${name} runs from cannot be told, so it is not stopped; set MONITOR_AGENT_PROCESSES to its root`,
    };
  }
  const mine = copies.filter((copy) => !copy.otherUser && copy.root !== null && sameRoot(copy.root, root));
  if (request.pid !== undefined) {
    const named = copies.find((copy) => copy.pid === request.pid);
    if (named === undefined)
      return { kind: 'refused', reason: `pid ${request.pid} is not one of ${name}'s processes (${pids(copies)})` };
    if (!mine.includes(named))
      return {
        kind: 'refused',
        reason: named.otherUser
          ? `pid ${named.pid} belongs to another user`
          : `pid ${named.pid} runs from ${named.root ?? 'an unknown checkout'}, not from ${root}`,
      };
    return { kind: 'process', pid: named.pid, root };
  }
  const [only, ...more] = mine;
  if (only === undefined)
    return {
      kind: 'refused',
      reason: `${name} runs here only as another user's or another checkout's process (${pids(copies)})`,
    };
  if (more.length > 0)
    return {
      kind: 'refused',
      reason: `${name} runs ${mine.length} times here (pids ${pids(mine)}); name the one to stop`,
    };
  return { kind: 'process', pid: only.pid, root };
}
