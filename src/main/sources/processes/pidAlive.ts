/**
 * Whether a process with this pid exists; EPERM means it does, and belongs to
 * someone else. 0 and negative numbers name process groups (or every process),
 * never one process: they are not asked about.
 */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}
