import { markCpu } from '../sources/machine/cpuMark';

/**
 * The machine's CPU times as the command line started. The entry imports this
 * module before any other, so a one-shot look's CPU window runs while the
 * command loads and connects, instead of after it (see takeOneSnapshot).
 */
export const CPU_AT_START = markCpu();
