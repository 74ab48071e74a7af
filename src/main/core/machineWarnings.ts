import { formatBytes } from '../../shared/format';
import type { Warning } from '../../shared/model';
import type { SystemReading } from './readings';

/**
 * In a container, `/proc/meminfo` (and so `os.totalmem()` and free memory) is
 * the host's, while this process may use only its cgroup's limit: the RAM
 * figures then overstate what the agents here can have.
 */
export function machineWarnings(system: SystemReading): Warning[] {
  const limit = system.constrainedBytes ?? null;
  if (limit === null || limit <= 0 || limit >= system.totalBytes) return [];
  return [
    {
      kind: 'memory-constrained',
      message: `This monitor runs under a memory limit of ${formatBytes(limit)}, below the ${formatBytes(system.totalBytes)} of RAM it reports: in a container, RAM and free memory are the host's.`,
    },
  ];
}
