import { ownedBy } from '../../core/processOwner';
import type { AgentProcess } from '../../core/readings';
import { anotherStart, type ProcessStart } from './processStartTime';
import type { Tracked } from './scannedProcess';
import { surviveMeasuringError, type Measurement } from './processMeasure';

/**
 * Measures these pids into `readings`; true when one of them is gone, or is another process now, or measuring failed.
 */
export async function measureTracked(
  measure: (pids: readonly number[]) => Promise<ReadonlyMap<number, Measurement>>,
  followed: Map<number, Tracked>,
  pids: readonly number[],
  readings: Map<number, Measurement>,
  dropped: string[],
): Promise<boolean> {
  if (pids.length === 0) return false;
  // Passed on, a measuring error would come back at every poll for the same pids, and no listing would run again.
  const measured = await measure(pids).catch((error: unknown) =>
    surviveMeasuringError(error, pids, followed, readings, dropped),
  );
  if (measured === null) return true;
  let lost = false;
  for (const pid of pids) {
    const tracked = followed.get(pid);
    const reading = measured.get(pid);
    if (!tracked) continue;
    const restarted =
      reading !== undefined && anotherStart({ ticks: tracked.startTicks, at: tracked.startedAt }, startOf(reading));
    if (!reading || restarted) {
      followed.delete(pid);
      lost = true;
      continue;
    }
    // The first CPU figure of a pid compares with nothing of ours (on Linux there is none; pidusage's elsewhere is 0 or
    // a lifetime average).
    readings.set(pid, tracked.measured ? reading : { ...reading, cpuPercent: null });
    tracked.measured = true;
    tracked.startedAt ??= reading.startedAt;
    tracked.startTicks ??= reading.startTicks ?? null;
  }
  return lost;
}

/** The followed processes measured this scan, agents apart from delegators, each by role, start and pid. */
export async function measuredProcesses(
  followed: ReadonlyMap<number, Tracked>,
  readings: ReadonlyMap<number, Measurement>,
  ownUid: number | null,
): Promise<{ readonly agents: AgentProcess[]; readonly delegators: AgentProcess[] }> {
  const agents: AgentProcess[] = [];
  const delegators: AgentProcess[] = [];
  for (const [pid, tracked] of followed) {
    const reading = readings.get(pid);
    if (!reading) continue;
    const { cpuPercent, rssBytes, startedAt } = reading;
    const { echo, uid, uids, parent, launchedBy, orphaned } = tracked;
    const otherUser = !ownedBy({ uid, uids }, ownUid);
    const process: AgentProcess = {
      pid,
      role: echo.role,
      model: await tracked.model,
      rssBytes,
      cpuPercent,
      startedAt,
      root: echo.root,
      form: echo.form,
      uid,
      otherUser,
      parent,
      launchedBy,
      orphaned,
    };
    (echo.kind === 'agent' ? agents : delegators).push(process);
  }
  const order = (a: AgentProcess, b: AgentProcess): number =>
    a.role.localeCompare(b.role) || (a.startedAt ?? 0) - (b.startedAt ?? 0) || a.pid - b.pid;
  return { agents: agents.sort(order), delegators: delegators.sort(order) };
}

const startOf = (reading: Measurement): ProcessStart => ({ ticks: reading.startTicks ?? null, at: reading.startedAt });
