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

/** Gigabytes with at most one decimal, as the seed shows them: `6.7 GB`, `33 GB`. */
export function formatGb(gb: number): string {
  const rounded = Math.round(gb * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} GB`;
}

/** Each source's short name, as the tray and the dashboard show it. */
export const SOURCE_LABELS = { postgres: 'PostgreSQL', registry: 'Registry', ollama: 'Ollama' } as const;

/** `CTO`, `CTO and Senior Architect`, `CEO, CTO and Product Manager`. */
export function joinNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

/**
 * `RAM 10 GB + GPU 14 GB`: where the agents' memory sits, when part of it is
 * in a discrete GPU's memory; null when all of it is RAM (no GPU share, or
 * unified memory, where GPU memory is RAM).
 */
export function memorySplit(summary: { readonly ramGb: number | null; readonly vramGb: number | null; readonly unifiedMemory: boolean }): string | null {
  if (summary.unifiedMemory || summary.ramGb === null || summary.vramGb === null || summary.vramGb <= 0) return null;
  return `RAM ${formatGb(summary.ramGb)} + GPU ${formatGb(summary.vramGb)}`;
}

/** "200 of 100,008" where a list shows fewer than there are; null where it shows them all. */
export function shownOfTotal(shown: number, total: number | null): string | null {
  return total === null || total <= shown ? null : `${shown.toLocaleString('en')} of ${total.toLocaleString('en')}`;
}
