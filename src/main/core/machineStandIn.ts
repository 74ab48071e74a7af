/**
 * A simulated machine, read in place of this one's RAM, swap and GPU memory:
 * the demo's, whose models live in a stand-in Ollama and so would not add up
 * with the real machine's figures. The CPU stays this machine's, where the
 * demo's agents really run.
 */
export interface MachineStandIn {
  /** For a person, where the demo says what it simulates: `simulated machine: 64 GB RAM, 12 GB GPU`. */
  readonly description: string;
  /** Its RAM, as `os.totalmem()` would give it. */
  readonly totalBytes: number;
  /** Memory that can be had now, as Linux's MemAvailable would give it. */
  freeBytes(): number;
  /** Swap in use now. */
  swapUsedBytes(): number;
  /** What `nvidia-smi --query-gpu=memory.total,memory.used --format=csv,noheader,nounits` would print on it now. */
  nvidiaSmi(): string;
}
