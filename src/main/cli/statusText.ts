import { formatBytes, formatDuration, swapText, UNIFIED_MEMORY_HINT } from '../../shared/format';
import type { Snapshot, SourceHealth, Summary } from '../../shared/model';
import { escapeControls as shown } from '../../shared/terminalText';
import { windowSeconds, type CpuWindowNote } from './cpuWindow';
import { agentsSection } from './statusAgents';
import { latestSection, localTime, modelsSection, sessionsSection, workSection } from './statusTables';

export interface SourceLabels {
  readonly postgres: string;
  readonly registry: string;
  readonly ollama: string;
}

export interface StatusTextOptions {
  /** Set while `--watch` redraws: the title says how often. */
  readonly everySeconds?: number;
  /** What a single look's CPU figure covers (the time the command ran); absent where the figure is a poll's. */
  readonly cpuWindow?: CpuWindowNote | null;
}

const label = (name: string): string => name.padEnd(12);

function stateText(health: SourceHealth): string {
  switch (health.state) {
    case 'ok':
      return 'ok';
    case 'no-data':
      return 'not read';
    case 'stale':
      return `DOWN, showing data ${formatDuration(health.ageSeconds ?? 0)} old: ${shown(health.error ?? 'no answer')}`;
    case 'error':
      return `DOWN: ${shown(health.error ?? 'no answer')}`;
  }
}

function sourceLine(name: string, health: SourceHealth, where: string): string {
  const dropped = health.dropped > 0 ? `, ${health.dropped} unreadable left out` : '';
  return `${label(name)}${stateText(health)} (${shown(where)}${dropped})`;
}

/** ECHO's roots and delegators on this machine, where the processes were looked at. */
function echoLines(snapshot: Snapshot): string[] {
  const echo = snapshot.echo;
  if (echo === null) return [];
  const roots =
    echo.configuredRoot !== null
      ? `${shown(echo.configuredRoot)} (configured)`
      : echo.roots.length === 0
        ? 'no agent runs here'
        : echo.roots.map(shown).join(', ');
  const left = [
    ...(echo.otherRoots > 0 ? [`${echo.otherRoots} of other roots left out`] : []),
    ...(echo.otherUsers > 0 ? [`${echo.otherUsers} of other users left out`] : []),
  ];
  const delegators = echo.delegators.map(
    (process) =>
      `  delegator  pid ${process.pid}${process.processBytes === null ? '' : `  ${formatBytes(process.processBytes)}`}${process.uptimeSeconds === null ? '' : `  up ${formatDuration(process.uptimeSeconds)}`}`,
  );
  return [`${label('ECHO root')}${roots}${left.length > 0 ? ` (${left.join(', ')})` : ''}`, ...delegators];
}

/** The machine's CPU, with the window a single look measured it over, or why that window said nothing. */
function cpuText(summary: Summary, window: CpuWindowNote | null): string {
  if (summary.cpuPercent === null) {
    if (window === null || window.enough) return 'CPU ?';
    const ran = windowSeconds(window.windowMs);
    return `CPU ? (the command ran ${ran} s: too short to tell; --cpu-window waits for a figure)`;
  }
  const over = window === null ? '' : `, over the ${windowSeconds(window.windowMs)} s this command ran`;
  return `CPU ${summary.cpuLoad ?? '?'} (${summary.cpuPercent}%${over})`;
}

function machineLine(summary: Summary, window: CpuWindowNote | null): string {
  const cpu = cpuText(summary, window);
  const parts = [
    cpu,
    summary.memoryPressure === null ? null : `memory pressure ${summary.memoryPressure}`,
    swapText(summary.swapUsedBytes),
    summary.unifiedMemory ? "unified memory: the GPU's memory is this RAM" : null,
    summary.unifiedMemoryHint ? UNIFIED_MEMORY_HINT : null,
    summary.simulatedMachine,
  ];
  return `${label('Machine')}${parts.filter((part) => part !== null).join(' · ')}`;
}

/**
 * The agents' part of RAM against the machine's. Its share is
 * `memoryPctOfRam`: the part read (Ollama's sizes, the processes' resident
 * memory), never an estimate, which alerts and the exit code rest on too; so
 * where an estimate is in the figure, the part read is named with its share.
 */
function ramLine(summary: Summary): string {
  const machine = summary.machineRamBytes > 0 ? formatBytes(summary.machineRamBytes) : '?';
  const share = summary.memoryPctOfRam === null ? '?' : `${summary.memoryPctOfRam}%`;
  const free = summary.freeRamBytes === null ? 'free unknown' : `free ${formatBytes(summary.freeRamBytes)}`;
  const { ramBytes, measuredRamBytes } = summary;
  let used: string;
  if (ramBytes === null) used = `? used by agents of ${machine}`;
  else if (measuredRamBytes === ramBytes)
    used = `${formatBytes(ramBytes)} used by agents of ${machine} (${share} of RAM)`;
  else if (measuredRamBytes === null) used = `~${formatBytes(ramBytes)} used by agents, estimated, of ${machine}`;
  else
    used = `~${formatBytes(ramBytes)} used by agents of ${machine}, ${formatBytes(measuredRamBytes)} of it read (${share} of RAM)`;
  return `${label('RAM')}${used} · ${free}`;
}

/**
 * A discrete GPU's memory, apart from RAM: the agents' models' share as Ollama reports it, and NVIDIA's own figures
 * where nvidia-smi answers.
 */
function gpuLines(summary: Summary): string[] {
  if (summary.unifiedMemory) return [];
  const agents = summary.vramBytes === null ? null : summary.vramBytes;
  if ((agents === null || agents === 0) && summary.gpuTotalBytes === null) return [];
  const models = `${agents === null ? '?' : formatBytes(agents)} used by agents' models`;
  if (summary.gpuTotalBytes === null) return [`${label('GPU')}${models} · total unknown`];
  const inUse = summary.gpuUsedBytes === null ? '?' : formatBytes(summary.gpuUsedBytes);
  return [`${label('GPU')}${models} of ${formatBytes(summary.gpuTotalBytes)} · ${inUse} in use in all`];
}

/** The header block: when, each source and where it was read, ECHO, this machine's CPU, RAM and GPU. */
export function statusHeader(snapshot: Snapshot, where: SourceLabels, options: StatusTextOptions = {}): string[] {
  const { summary, timeZone } = snapshot;
  const every = options.everySeconds === undefined ? '' : `  every ${options.everySeconds}s`;
  return [
    `Delegator Monitor  ${snapshot.today} ${localTime(snapshot.takenAt, timeZone)} (${shown(timeZone)})${every}`,
    sourceLine('PostgreSQL', snapshot.sources.postgres, where.postgres),
    sourceLine('Registry', snapshot.sources.registry, where.registry),
    sourceLine('Ollama', snapshot.sources.ollama, where.ollama),
    ...echoLines(snapshot),
    machineLine(summary, options.cpuWindow ?? null),
    ramLine(summary),
    ...gpuLines(summary),
  ];
}

/**
 * What `status` prints for a person: a header block, then a table for each part that has rows, then alerts and notes.
 */
export function statusText(snapshot: Snapshot, where: SourceLabels, options: StatusTextOptions = {}): string {
  const header = statusHeader(snapshot, where, options);
  const sections = [
    sessionsSection(snapshot),
    agentsSection(snapshot),
    modelsSection(snapshot),
    workSection(snapshot),
    latestSection(snapshot),
  ].filter((lines) => lines.length > 0);
  const said = [
    ...snapshot.alerts.map(
      (alert) =>
        `${alert.severity.toUpperCase()}: ${shown(alert.message)}${alert.suggestedAction ? ` ${shown(alert.suggestedAction)}.` : ''}`,
    ),
    ...snapshot.warnings.map((warning) => `Note: ${shown(warning.message)}`),
  ];
  return [header, ...sections, ...(said.length > 0 ? [said] : [])].map((lines) => lines.join('\n')).join('\n\n');
}
