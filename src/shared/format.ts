/** The seed's duration format: `42s`, `5m 23s`, `2h 7m`. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

/**
 * `5m`, `2h 5m`: whole minutes, for a menu that is rebuilt only when its text
 * changes, and that a rebuild closes on some desktops while it is open.
 */
export function formatMinutes(totalSeconds: number): string {
  const minutes = Math.floor(Math.max(0, totalSeconds) / 60);
  if (minutes < 1) return 'under 1m';
  if (minutes < 60) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

const ACRONYMS: Readonly<Record<string, string>> = { ceo: 'CEO', cto: 'CTO', chro: 'CHRO', uiux: 'UI/UX', qa: 'QA' };

/** `senior_developer` → `Senior Developer`, `uiux_engineer` → `UI/UX Engineer`. */
export function formatRole(role: string): string {
  return role
    .split(/[_\s-]+/)
    .filter((word) => word.length > 0)
    .map((word) => ACRONYMS[word.toLowerCase()] ?? word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/**
 * What "GB" means everywhere the monitor shows one: 2^30 bytes (a GiB), as
 * Activity Monitor, Task Manager and the seed count; "MB" is 2^20 bytes.
 */
export const BYTES_PER_GB = 1024 ** 3;
const BYTES_PER_MB = 1024 ** 2;

/** A figure given in GB (the estimate rule, the user's own figures) as whole bytes. */
export const gbToBytes = (gb: number): number => Math.round(gb * BYTES_PER_GB);

/** Bytes in GB for a chart's axis, to a hundredth: rounding happens only where a person reads it. */
export const bytesToGb = (bytes: number): number => Math.round((bytes / BYTES_PER_GB) * 100) / 100;

/**
 * Bytes as a person reads them, in the unit that fits: `48 MB`, `198 MB`,
 * `6.7 GB`, `33 GB` (the seed's one decimal from 1 GB up). A figure too small
 * for a whole MB says so rather than reading 0.
 */
export function formatBytes(bytes: number): string {
  if (bytes <= 0) return '0 GB';
  if (bytes < BYTES_PER_MB / 2) return 'under 1 MB';
  const megabytes = Math.round(bytes / BYTES_PER_MB);
  if (megabytes < 1024) return `${megabytes} MB`;
  const rounded = Math.round((bytes / BYTES_PER_GB) * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} GB`;
}

/** Each source's short name, as the tray and the dashboard show it. */
export const SOURCE_LABELS = { postgres: 'PostgreSQL', registry: 'Registry', ollama: 'Ollama' } as const;

/** Some adapters name themselves in their errors (`Ollama: connect ECONNREFUSED`); a line that names the source says it once. */
export function reasonWithoutSource(source: keyof typeof SOURCE_LABELS, error: string): string {
  const prefix = `${SOURCE_LABELS[source]}: `;
  return error.startsWith(prefix) ? error.slice(prefix.length) : error;
}

/** `CTO`, `CTO and Senior Architect`, `CEO, CTO and Product Manager`. */
export function joinNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

/**
 * `RAM 10 GB + GPU 14 GB`: where the agents' memory sits, when part of it is
 * in a discrete GPU's memory; null when all of it is RAM (no GPU share, or
 * unified memory, where GPU memory is RAM).
 */
export function memorySplit(summary: {
  readonly ramBytes: number | null;
  readonly vramBytes: number | null;
  readonly unifiedMemory: boolean;
}): string | null {
  if (summary.unifiedMemory || summary.ramBytes === null || summary.vramBytes === null || summary.vramBytes <= 0)
    return null;
  return `RAM ${formatBytes(summary.ramBytes)} + GPU ${formatBytes(summary.vramBytes)}`;
}

/**
 * Bytes for a text that must not change on every poll (a menu whose rebuild
 * closes it on some desktops): below 1 GB to the nearest 10 MB, which a
 * process's resident memory drifts across only now and then.
 */
export function formatBytesSteady(bytes: number): string {
  if (bytes >= BYTES_PER_GB - BYTES_PER_MB / 2) return formatBytes(bytes);
  const tens = Math.round(bytes / (10 * BYTES_PER_MB));
  return tens === 0 ? (bytes > 0 ? 'under 10 MB' : '0 GB') : formatBytes(tens * 10 * BYTES_PER_MB);
}

/** A loaded model's size: `4.3 GB` as Ollama reports it, `~6.7 GB` where it gave none and the estimate stands in. */
export function residentSizeText(model: {
  readonly sizeBytes: number;
  readonly sizeFrom: 'ollama' | 'estimate';
}): string {
  return model.sizeFrom === 'estimate' ? `~${formatBytes(model.sizeBytes)}` : formatBytes(model.sizeBytes);
}

/**
 * `swap 2.1 GB in use`: memory past the free figure comes only by swapping more; null when none is used or it is not
 * read.
 */
export function swapText(swapUsedBytes: number | null): string | null {
  return swapUsedBytes === null || swapUsedBytes <= 0 ? null : `swap ${formatBytes(swapUsedBytes)} in use`;
}

/**
 * Said where the GPU may share this RAM though that could not be told for sure (an AMD APU, NVIDIA reporting no
 * memory).
 */
export const UNIFIED_MEMORY_HINT = 'GPU memory may be this RAM: set MONITOR_UNIFIED_MEMORY=on if it is';

/** "200 of 100,008" where a list shows fewer than there are; null where it shows them all. */
export function shownOfTotal(shown: number, total: number | null): string | null {
  return total === null || total <= shown ? null : `${shown.toLocaleString('en')} of ${total.toLocaleString('en')}`;
}
