import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  mayReadNvidia,
  nvidiaPowerStates,
  pciDisplayDevices,
  type GpuPowerState,
} from '../../src/main/sources/machine/gpuPower';
import { useSysfsTrees } from '../support/sysfsTree';

const FIXTURES = join(import.meta.dirname, '../fixtures/platform');

/** The published runtime_status of a sleeping NVIDIA GPU: the capture's last line. */
async function publishedSuspended(): Promise<string> {
  const lines = (await readFile(join(FIXTURES, 'sysfs-nvidia-runtime_status-suspended.txt'), 'utf8'))
    .trimEnd()
    .split('\n');
  return `${lines.at(-1) ?? ''}\n`;
}

/** A sysfs tree with the given PCI devices, removed after each test. */
const sysfs = useSysfsTrees();

// PCI addresses hold colons, which Windows refuses in a file name; sysfs is Linux's alone.
describe.skipIf(process.platform === 'win32')('the PCI bus in sysfs', () => {
  it("lists NVIDIA's and AMD's display controllers only", async () => {
    const root = await sysfs({
      '0000:00:02.0': { vendor: '0x8086\n', class: '0x030000\n' },
      '0000:01:00.0': { vendor: '0x10de\n', class: '0x030200\n' },
      // The same card's HDMI audio: NVIDIA's, but no display controller.
      '0000:01:00.1': { vendor: '0x10de\n', class: '0x040300\n' },
      '0000:05:00.0': { vendor: '0x1002\n', class: '0x030000\n' },
      '0000:00:1f.3': { vendor: '0x8086\n', class: '0x040380\n' },
    });
    const devices = await pciDisplayDevices(root, ['0x10de', '0x1002']);
    expect(devices?.map(({ address, vendor }) => [address, vendor]).sort()).toEqual([
      ['0000:01:00.0', '0x10de'],
      ['0000:05:00.0', '0x1002'],
    ]);
  });

  it('is null where sysfs cannot be read', async () => {
    expect(await pciDisplayDevices(join(tmpdir(), 'no-such-sysfs'), ['0x10de'])).toBeNull();
    expect(await nvidiaPowerStates(join(tmpdir(), 'no-such-sysfs'))).toBeNull();
  });

  it("reads each NVIDIA GPU's runtime power state", async () => {
    const root = await sysfs({
      '0000:01:00.0': {
        vendor: '0x10de\n',
        class: '0x030200\n',
        'power/runtime_status': await publishedSuspended(),
        'power/control': 'auto\n',
      },
      '0000:02:00.0': { vendor: '0x10de\n', class: '0x030000\n' },
    });
    const states = await nvidiaPowerStates(root);
    expect([...(states ?? [])].sort((a, b) => a.address.localeCompare(b.address))).toEqual([
      { address: '0000:01:00.0', runtimeStatus: 'suspended', control: 'auto' },
      { address: '0000:02:00.0', runtimeStatus: null, control: null },
    ]);
  });
});

const gpu = (runtimeStatus: string | null, control: string | null = 'auto'): GpuPowerState => ({
  address: '0000:01:00.0',
  runtimeStatus,
  control,
});

describe('whether nvidia-smi may run', () => {
  it('never wakes a sleeping GPU under auto, whatever Ollama says', () => {
    for (const inUse of [true, false, null]) {
      expect(mayReadNvidia('auto', [gpu('suspended')], inUse)).toBe(false);
      expect(mayReadNvidia('auto', [gpu('active'), gpu('suspending')], inUse)).toBe(false);
    }
  });

  it('reads an awake GPU while a model is in GPU memory, or while nobody has said', () => {
    expect(mayReadNvidia('auto', [gpu('active')], true)).toBe(true);
    expect(mayReadNvidia('auto', [gpu('active')], null)).toBe(true);
  });

  it('lets a GPU that could sleep do so once no model is in GPU memory', () => {
    expect(mayReadNvidia('auto', [gpu('active', 'auto')], false)).toBe(false);
  });

  it('still reads a desktop card the kernel never powers down', () => {
    expect(mayReadNvidia('auto', [gpu('unsupported', 'on')], false)).toBe(true);
    expect(mayReadNvidia('auto', [gpu('active', 'on'), gpu('active', 'auto')], false)).toBe(false);
  });

  it("goes by the caller's word alone where sysfs cannot tell (Windows, a Jetson)", () => {
    expect(mayReadNvidia('auto', null, false)).toBe(false);
    expect(mayReadNvidia('auto', [], false)).toBe(false);
    expect(mayReadNvidia('auto', null, true)).toBe(true);
    expect(mayReadNvidia('auto', null, null)).toBe(true);
  });

  it('reads always or never when told to', () => {
    expect(mayReadNvidia('always', [gpu('suspended')], false)).toBe(true);
    expect(mayReadNvidia('never', [gpu('active', 'on')], true)).toBe(false);
  });
});
