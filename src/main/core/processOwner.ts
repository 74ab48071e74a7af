/** Who a process belongs to, as a listing says it. */
export interface ProcessOwner {
  /** The real user id; null where the platform has none (Windows) or it could not be read. */
  readonly uid: number | null;
  /** Linux: the real, effective, saved and filesystem ids; absent or null where the platform gives one id. */
  readonly uids?: readonly number[] | null;
}

/**
 * Whether a process is wholly this user's (`uid`; null on a platform with no
 * user ids, where every process passes). Its owner must be known, and every
 * id it holds must be this user's: a process that runs as another user in
 * part (a set-user-id program, a process that changed its effective id) is
 * another user's, as `ps` would show it under that other user.
 */
export function ownedBy(owner: ProcessOwner, uid: number | null): boolean {
  if (uid === null) return true;
  if (owner.uid !== uid) return false;
  return (owner.uids ?? [owner.uid]).every((id) => id === uid);
}
