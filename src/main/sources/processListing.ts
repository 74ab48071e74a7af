import { setTimeout as delay } from 'node:timers/promises';
import { processes } from 'systeminformation';

/** One process of a listing: its pid and its whole command line. */
export interface ListedProcess {
  readonly pid: number;
  readonly commandLine: string;
}

/** The fields of a `systeminformation` process entry that carry its command line. */
export interface ProcessEntryFields {
  readonly command?: unknown;
  readonly params?: unknown;
  readonly path?: unknown;
}

/**
 * The whole command line of a `systeminformation` entry. On Windows `command`
 * is already the whole `CommandLine` (or the process's name when Windows does
 * not say) and `path` the executable. Elsewhere it parsed one line of `ps`
 * into `path` (the program's folder), `command` (the program) and `params`
 * (the arguments), so joining them gives the line back.
 */
export function commandLineOf(entry: ProcessEntryFields, platform: NodeJS.Platform): string | null {
  if (typeof entry.command !== 'string') return null;
  if (platform === 'win32') return entry.command;
  const folder = typeof entry.path === 'string' ? entry.path : '';
  const params = typeof entry.params === 'string' ? entry.params : '';
  const program = folder ? `${folder}/${entry.command}` : entry.command;
  return params ? `${program} ${params}` : program;
}

// systeminformation answers a call within 500 ms of its last one with that
// last listing (Linux and Windows), which would miss a process started since.
const LISTING_CACHE_MS = 500;
const CACHING_PLATFORMS: ReadonlySet<NodeJS.Platform> = new Set(['linux', 'android', 'win32']);
let lastListingAt = 0;

/**
 * Every process with its command line, through `systeminformation`; throws when
 * it could not list. `platform` says how its fields make the command line.
 */
export async function listProcesses(platform: NodeJS.Platform = process.platform): Promise<ListedProcess[]> {
  const wait = lastListingAt + LISTING_CACHE_MS - Date.now();
  if (CACHING_PLATFORMS.has(process.platform) && wait > 0) await delay(wait);
  const { list } = await processes();
  lastListingAt = Date.now();
  // It resolves with an empty list when `ps` or PowerShell fails; a real listing includes this process.
  if (!list.some((entry) => entry.pid === process.pid)) {
    throw new Error(`the process listing is incomplete (${list.length} processes, this one not among them)`);
  }
  return list.flatMap((entry) => {
    // pid 0 is Windows' System Idle Process, which has no command line and is never an agent.
    if (entry.pid === 0) return [];
    const commandLine = commandLineOf(entry, platform);
    return [{ pid: entry.pid, commandLine: commandLine ?? '' }];
  });
}
