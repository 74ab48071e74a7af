import type { LineKey } from '../../store/selectors/chartLines';

export interface LineStyle {
  readonly stroke: string;
  readonly dash?: string;
  readonly width: number;
  /** The agents' count steps from one value to the next; memory is drawn point to point. */
  readonly step?: true;
}

/**
 * How each line looks. Limits (a machine's RAM, a GPU's memory) are dashed
 * grey, what everything on the machine uses is thin grey, what the agents
 * use is bold, and an estimate is dashed. Colours are the theme's, so both
 * themes keep them apart.
 */
export const LINE_STYLES: Readonly<Record<LineKey, LineStyle>> = {
  machineRamGb: { stroke: 'var(--line-limit)', dash: '6 4', width: 1.5 },
  ramInUseGb: { stroke: 'var(--line-context)', width: 1 },
  agentsRamGb: { stroke: 'var(--line-reported)', width: 2 },
  agentsRamEstimatedGb: { stroke: 'var(--line-estimated)', dash: '4 2', width: 2 },
  agents: { stroke: 'var(--line-agents)', width: 1.5, step: true },
  gpuTotalGb: { stroke: 'var(--line-limit)', dash: '6 4', width: 1.5 },
  gpuUsedGb: { stroke: 'var(--line-context)', width: 1 },
  agentsGpuGb: { stroke: 'var(--line-gpu)', width: 2 },
};
