import { AGENT_LIST_LIMIT } from '../../../shared/model';
import { describeIssues } from '../../../shared/zodIssues';
import { classifyEchoProcess, executableIn, sameRoot, type EchoProcess } from '../../core/echoProcess';
import { ownedBy } from '../../core/processOwner';
import { lineage } from './processLineage';
import { listedProcessSchema, type ListedProcess } from './processListing';
import type { Census, Tracked } from './scannedProcess';

/**
 * At most this many processes are followed, this user's first: the agents a
 * snapshot lists. Each costs a read per poll; a machine (or a user) running
 * thousands of look-alikes gets the rest left out, and says so.
 */
const TRACKED_LIMIT = AGENT_LIST_LIMIT;

/** Whose processes the scanner watches, and which executables may run an agent. */
export interface ListingScope {
  readonly vmExecutables: readonly string[];
  readonly root: string | null;
  readonly uid: number | null;
}

/** One of ECHO's processes the monitor watches, as the listing shows it, before it is followed. */
export interface ListingCandidate {
  pid: number;
  facts: Omit<Tracked, 'model' | 'modelAgain' | 'startedAt' | 'startTicks' | 'measured'>;
  mine: boolean;
  /** Linux: its start as the listing read it, which its first measurement must match to be the process listed. */
  startTicks: number | null;
}

/** Whether the process is this user's; one whose owner could not be read is not. */
function mine(entry: Pick<ListedProcess, 'uid' | 'uids'>, uid: number | null): boolean {
  return ownedBy(entry, uid);
}

/**
 * Whether a process of ECHO's is one the monitor watches: the configured root's (another user's shown as such), or with
 * none configured, this user's.
 */
function watched(
  echo: EchoProcess,
  entry: ListedProcess,
  scope: ListingScope,
): 'watched' | 'other-root' | 'other-user' {
  if (scope.root !== null) return echo.root !== null && sameRoot(echo.root, scope.root) ? 'watched' : 'other-root';
  return mine(entry, scope.uid) ? 'watched' : 'other-user';
}

/**
 * The listing's entries sorted out: ECHO's processes the monitor watches, and the census of the rest; an entry of
 * another shape is dropped with its reason.
 */
export function classifyListing(
  entries: readonly unknown[],
  scope: ListingScope,
  dropped: string[],
): { readonly census: Census; readonly candidates: ListingCandidate[] } {
  const all = new Map<number, ListedProcess>();
  entries.forEach((entry, index) => {
    const parsed = listedProcessSchema.safeParse(entry);
    if (parsed.success) all.set(parsed.data.pid, parsed.data);
    else dropped.push(`process listing entry ${index + 1}: ${describeIssues(parsed.error)}`);
  });
  const echo = new Map<number, EchoProcess>();
  for (const [pid, entry] of all) {
    const found = executableIn(entry.executable, scope.vmExecutables)
      ? classifyEchoProcess(entry, scope.vmExecutables)
      : null;
    if (found) echo.set(pid, found);
  }
  const roots = new Set<string>();
  let otherRoots = 0;
  let otherUsers = 0;
  const candidates: ListingCandidate[] = [];
  for (const [pid, process] of echo) {
    const entry = all.get(pid);
    if (!entry) continue;
    const isMine = mine(entry, scope.uid);
    if (process.root !== null && isMine) roots.add(process.root);
    const verdict = watched(process, entry, scope);
    if (verdict === 'other-root') otherRoots += 1;
    else if (verdict === 'other-user') otherUsers += 1;
    else
      candidates.push({
        pid,
        mine: isMine,
        startTicks: entry.startTicks ?? null,
        facts: { echo: process, uid: entry.uid, uids: entry.uids ?? null, ...lineage(entry, all, echo) },
      });
  }
  return { census: { roots: [...roots].sort(), otherRoots, otherUsers }, candidates };
}

/**
 * The candidates followed: this user's first, then those already followed, then by pid, at most TRACKED_LIMIT; the rest
 * said.
 */
export function followedCandidates<T extends { pid: number; mine: boolean }>(
  candidates: T[],
  isTracked: (pid: number) => boolean,
  dropped: string[],
): T[] {
  if (candidates.length <= TRACKED_LIMIT) return candidates;
  const rank = (candidate: T): number => (candidate.mine ? 0 : 2) + (isTracked(candidate.pid) ? 0 : 1);
  const kept = [...candidates].sort((a, b) => rank(a) - rank(b) || a.pid - b.pid).slice(0, TRACKED_LIMIT);
  dropped.push(
    `${candidates.length - TRACKED_LIMIT} of ECHO's ${candidates.length} processes here are left out: at most ${TRACKED_LIMIT} are followed`,
  );
  return kept;
}
