import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

/**
 * PCI devices by address, each a map of its files (`vendor`, `class`, `power/runtime_status`, …) to their content, as
 * Linux writes them.
 */
export type PciDevices = Record<string, Record<string, string>>;

/**
 * Makes sysfs trees (`<root>/bus/pci/devices/<address>/…`) for the calling
 * test file, each removed after its test.
 */
export function useSysfsTrees(): (devices: PciDevices) => Promise<string> {
  const roots: string[] = [];
  afterEach(async () => {
    for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
  });
  return async (devices) => {
    const root = await mkdtemp(join(tmpdir(), 'sysfs-'));
    roots.push(root);
    for (const [address, files] of Object.entries(devices)) {
      for (const [file, content] of Object.entries(files)) {
        const path = join(root, 'bus', 'pci', 'devices', address, file);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, content);
      }
    }
    return root;
  };
}

/** Makes procfs roots holding the given `meminfo`, for the calling test file, each removed after its test. */
export function useProcRoots(): (meminfo: string) => Promise<string> {
  const roots: string[] = [];
  afterEach(async () => {
    for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
  });
  return async (meminfo) => {
    const root = await mkdtemp(join(tmpdir(), 'procfs-'));
    roots.push(root);
    await writeFile(join(root, 'meminfo'), meminfo);
    return root;
  };
}
