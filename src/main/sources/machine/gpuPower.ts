import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * When nvidia-smi may run: `auto` spares a GPU that sleeps (and, told that no
 * model is in GPU memory, one that could), `always` reads every interval
 * whatever it costs, `never` reads no GPU memory at all.
 */
export type GpuReads = 'auto' | 'always' | 'never';

export const NVIDIA_VENDOR = '0x10de';
export const AMD_VENDOR = '0x1002';

/** A display controller on the PCI bus, as Linux's sysfs lists it. */
export interface PciDisplayDevice {
  /** Its PCI address (`0000:01:00.0`), the folder's name. */
  readonly address: string;
  /** `0x10de` (NVIDIA), `0x1002` (AMD), … */
  readonly vendor: string;
  /** Its folder under `<sysfs>/bus/pci/devices`. */
  readonly path: string;
}

/** A sysfs attribute, trimmed; null when it cannot be read. Each is one short line, well under a page. */
export async function sysfsAttribute(path: string): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return null;
  }
}

/**
 * The display controllers (PCI class 0x03xxxx: VGA, 3D and other display)
 * of the given vendors under `<sysfsRoot>/bus/pci/devices`; null when that
 * folder cannot be read (no sysfs: another platform, or a sandbox). `vendor`
 * and `class` are the kernel's copies of the device's IDs, read without
 * touching the device, so listing never wakes a sleeping GPU.
 */
export async function pciDisplayDevices(
  sysfsRoot: string,
  vendors: readonly string[],
): Promise<readonly PciDisplayDevice[] | null> {
  const folder = join(sysfsRoot, 'bus', 'pci', 'devices');
  let addresses: string[];
  try {
    addresses = await readdir(folder);
  } catch {
    return null;
  }
  const devices = await Promise.all(
    addresses.map(async (address): Promise<PciDisplayDevice | null> => {
      const path = join(folder, address);
      const vendor = (await sysfsAttribute(join(path, 'vendor')))?.toLowerCase();
      if (vendor === undefined || !vendors.includes(vendor)) return null;
      const pciClass = await sysfsAttribute(join(path, 'class'));
      return pciClass !== null && /^0x03[0-9a-f]{4}$/i.test(pciClass) ? { address, vendor, path } : null;
    }),
  );
  return devices.filter((device) => device !== null);
}

/** An NVIDIA GPU's runtime power management, from its `power/` folder. */
export interface GpuPowerState {
  readonly address: string;
  /** `active`, `suspended`, `suspending`, `resuming`, `error` or `unsupported`; null where unreadable. */
  readonly runtimeStatus: string | null;
  /** `auto` where the kernel may put it to sleep when idle; `on` where it stays powered. */
  readonly control: string | null;
}

/** The NVIDIA GPUs on the PCI bus with their power state; null where sysfs cannot be read. */
export async function nvidiaPowerStates(sysfsRoot: string): Promise<readonly GpuPowerState[] | null> {
  const devices = await pciDisplayDevices(sysfsRoot, [NVIDIA_VENDOR]);
  if (devices === null) return null;
  return Promise.all(
    devices.map(async ({ address, path }) => ({
      address,
      runtimeStatus: await sysfsAttribute(join(path, 'power', 'runtime_status')),
      control: await sysfsAttribute(join(path, 'power', 'control')),
    })),
  );
}

const asleep = (state: GpuPowerState): boolean =>
  state.runtimeStatus === 'suspended' || state.runtimeStatus === 'suspending';

/**
 * Whether nvidia-smi may run now. nvidia-smi opens every GPU, and that wakes
 * a runtime-suspended one (a laptop's discrete GPU) and keeps it powered,
 * 5 to 25 W, for a while after: a query every 30 s keeps it from ever
 * sleeping. So under `auto` a GPU that sleeps is never read (its memory is
 * unknown, and holds nothing: it sleeps only when nothing has it open), and
 * once the caller says no model is in GPU memory (`inUse` false) it is not
 * read either, unless every NVIDIA GPU is one the kernel never powers down
 * (`power/control` = `on`, a desktop card), where a read costs nothing. Where
 * sysfs cannot tell (Windows, no PCI device listed: a Jetson, WSL) only the
 * caller's word counts. `inUse` null (unknown, or never said) reads.
 */
export function mayReadNvidia(
  reads: GpuReads,
  devices: readonly GpuPowerState[] | null,
  inUse: boolean | null,
): boolean {
  if (reads !== 'auto') return reads === 'always';
  if (devices?.some(asleep)) return false;
  if (inUse !== false) return true;
  return devices !== null && devices.length > 0 && devices.every((device) => device.control === 'on');
}
