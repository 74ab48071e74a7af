import { join } from 'node:path';
import type { NvidiaSmiGpus } from './gpuMemory';
import { AMD_VENDOR, NVIDIA_VENDOR, pciDisplayDevices, sysfsAttribute } from './gpuPower';

/** Runs a program and resolves with its standard output; rejects when it fails, exits non-zero or times out. */
type RunCommand = (file: string, args: readonly string[], options: { readonly timeoutMs: number }) => Promise<string>;

const SYSCTL = '/usr/sbin/sysctl';
const TIMEOUT_MS = 2_000;
const GIB = 1024 ** 3;

/**
 * One sysctl's value from what `sysctl -n <name>` prints (`1`) or `sysctl
 * <name>` does (`<name>: 1`, among other lines); null when it is not there
 * (`sysctl: unknown oid '<name>'`, an empty answer).
 */
export function sysctlValue(text: string, name: string): string | null {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const named = lines.find((line) => line.startsWith(`${name}:`));
  if (named !== undefined) return named.slice(name.length + 1).trim();
  const bare = lines.filter((line) => line !== '');
  return bare.length === 1 && bare[0] !== undefined && /^-?\d+$/.test(bare[0]) ? bare[0] : null;
}

async function sysctl(run: RunCommand, name: string): Promise<string | null> {
  try {
    return sysctlValue(await run(SYSCTL, ['-n', name], { timeoutMs: TIMEOUT_MS }), name);
  } catch {
    // An Intel Mac has neither name (`unknown oid`, exit 1); an older macOS may lack them too.
    return null;
  }
}

/**
 * Whether this Mac is Apple Silicon, asked of the machine rather than read
 * from `process.arch`: an x64 build, or an x64 Node, runs under Rosetta on an
 * M-series Mac and says `x64`. `hw.optional.arm64` is 1 on Apple Silicon
 * whatever the process runs as; `sysctl.proc_translated` is 1 for a process
 * under Rosetta, which only Apple Silicon has. An arm64 process needs neither.
 */
export async function isAppleSilicon(run: RunCommand, arch: string): Promise<boolean> {
  if (arch === 'arm64') return true;
  const [arm64, translated] = await Promise.all([
    sysctl(run, 'hw.optional.arm64'),
    sysctl(run, 'sysctl.proc_translated'),
  ]);
  return arm64 === '1' || translated === '1';
}

/**
 * What nvidia-smi's answer says of unified memory. Every GPU listed with its
 * memory `[N/A]`, on an ARM machine, is NVIDIA's GB10 (DGX Spark) or a Jetson:
 * their GPU has no memory of its own, uses this RAM, and the driver reports
 * none (NVIDIA lists it as a known issue). The same answer on x86 is no
 * machine known to share its RAM: it may, so it is only a hint.
 */
export function unifiedFromNvidia(gpus: NvidiaSmiGpus | null, arch: string): 'unified' | 'maybe' | 'no' {
  if (gpus === null || gpus.known > 0 || gpus.unreported === 0) return 'no';
  return arch === 'arm64' ? 'unified' : 'maybe';
}

/**
 * Whether an AMD GPU here looks like an APU's: a VRAM window of at most 1 GiB
 * (the BIOS carve-out) beside a GTT pool at least eight times larger, which
 * is system RAM the GPU maps and where Ollama's models then live. Discrete
 * cards have GBs of VRAM of their own. A machine with an NVIDIA GPU as well
 * uses that one, so it is no hint. `mem_info_*_total` are sizes the driver
 * keeps, read without touching the device. False where sysfs cannot be read.
 */
export async function looksLikeAmdApu(sysfsRoot: string): Promise<boolean> {
  const devices = await pciDisplayDevices(sysfsRoot, [AMD_VENDOR, NVIDIA_VENDOR]);
  if (devices === null || devices.some((device) => device.vendor === NVIDIA_VENDOR)) return false;
  const verdicts = await Promise.all(
    devices.map(async ({ path }) => {
      const vram = Number(await sysfsAttribute(join(path, 'mem_info_vram_total')));
      const gtt = Number(await sysfsAttribute(join(path, 'mem_info_gtt_total')));
      return Number.isFinite(vram) && Number.isFinite(gtt) && vram > 0 && vram <= GIB && gtt >= 8 * vram;
    }),
  );
  return verdicts.includes(true);
}
