import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNvidiaSmi } from '../../src/main/sources/machine/gpuMemory';
import {
  isAppleSilicon,
  looksLikeAmdApu,
  sysctlValue,
  unifiedFromNvidia,
} from '../../src/main/sources/machine/unifiedMemory';
import { useSysfsTrees } from '../support/sysfsTree';

const FIXTURES = join(import.meta.dirname, '../fixtures/platform');
/** A fixture's text without its `#` header (its source and machine). */
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8').replace(/^(?:#.*\n)+/, '');
const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

const unknownOid = (name: string): Error =>
  Object.assign(new Error(`Command failed: /usr/sbin/sysctl -n ${name}\nsysctl: unknown oid '${name}'`), {
    code: 1,
    stdout: '',
  });

/** sysctl by name: a text answers, an Error fails as execFile would; records what was asked. */
function fakeSysctl(answers: Record<string, string | Error>) {
  const asked: string[] = [];
  const run = (file: string, args: readonly string[]): Promise<string> => {
    const name = args.at(-1) ?? '';
    asked.push(`${file} ${args.join(' ')}`);
    const answer = answers[name] ?? unknownOid(name);
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  return { run, asked };
}

describe('sysctl values', () => {
  it('reads a name among many, as `sysctl -a` prints them (published, an M1)', () => {
    expect(sysctlValue(fixture('sysctl-hw.optional-m1.txt'), 'hw.optional.arm64')).toBe('1');
  });

  it('reads sysctl.proc_translated under Rosetta and natively (published)', () => {
    expect(sysctlValue(fixture('sysctl-proc_translated-rosetta.txt'), 'sysctl.proc_translated')).toBe('1');
    expect(sysctlValue(fixture('sysctl-proc_translated-native.txt'), 'sysctl.proc_translated')).toBe('0');
  });

  it("reads an Intel Mac's unknown oid (published) as no value", () => {
    expect(sysctlValue(fixture('sysctl-proc_translated-intel.txt'), 'sysctl.proc_translated')).toBeNull();
  });

  it('reads the bare value `sysctl -n` prints', () => {
    expect(sysctlValue('1\n', 'hw.optional.arm64')).toBe('1');
    expect(sysctlValue('', 'hw.optional.arm64')).toBeNull();
    expect(sysctlValue('1\n1\n', 'hw.optional.arm64')).toBeNull();
  });
});

describe('Apple Silicon', () => {
  it('is found under Rosetta, where the process says x64', async () => {
    const { run } = fakeSysctl({
      'hw.optional.arm64': fixture('sysctl-hw.optional-m1.txt'),
      'sysctl.proc_translated': fixture('sysctl-proc_translated-rosetta.txt'),
    });
    await expect(isAppleSilicon(run, 'x64')).resolves.toBe(true);
  });

  it('is found by sysctl.proc_translated alone where hw.optional.arm64 cannot be read', async () => {
    const { run } = fakeSysctl({ 'sysctl.proc_translated': '1\n' });
    await expect(isAppleSilicon(run, 'x64')).resolves.toBe(true);
  });

  it('is not an Intel Mac, which knows neither name', async () => {
    const { run, asked } = fakeSysctl({});
    await expect(isAppleSilicon(run, 'x64')).resolves.toBe(false);
    expect(asked.sort()).toEqual([
      '/usr/sbin/sysctl -n hw.optional.arm64',
      '/usr/sbin/sysctl -n sysctl.proc_translated',
    ]);
  });

  it('needs no question for an arm64 process', async () => {
    const { run, asked } = fakeSysctl({});
    await expect(isAppleSilicon(run, 'arm64')).resolves.toBe(true);
    expect(asked).toEqual([]);
  });
});

describe("unified memory from nvidia-smi's answer", () => {
  it.each(['nvidia-smi-gb10-na.txt', 'nvidia-smi-gb10-known-issue.txt', 'nvidia-smi-jetson-orin-na.txt'])(
    'is unified on ARM for %s (published)',
    (name) => {
      expect(unifiedFromNvidia(readNvidiaSmi(fixture(name)), 'arm64')).toBe('unified');
    },
  );

  it('is only a hint where no GPU reports memory on x86', () => {
    expect(unifiedFromNvidia(readNvidiaSmi(fixture('nvidia-smi-na.txt')), 'x64')).toBe('maybe');
  });

  it('is no unified memory where a GPU reports its own, or nothing was read', () => {
    expect(unifiedFromNvidia(readNvidiaSmi(fixture('nvidia-smi-one-na.txt')), 'arm64')).toBe('no');
    expect(unifiedFromNvidia(readNvidiaSmi(fixture('nvidia-smi-rtx4090.txt')), 'arm64')).toBe('no');
    expect(unifiedFromNvidia(readNvidiaSmi(fixture('nvidia-smi-garbage.txt')), 'arm64')).toBe('no');
    expect(unifiedFromNvidia(null, 'arm64')).toBe('no');
  });
});

/** A sysfs tree with the given PCI devices, removed after each test. */
const sysfs = useSysfsTrees();

/** An AMD display controller with the memory sizes amdgpu reports, in bytes. */
const amd = (vramBytes: number, gttBytes: number) => ({
  vendor: '0x1002\n',
  class: '0x030000\n',
  mem_info_vram_total: `${vramBytes}\n`,
  mem_info_gtt_total: `${gttBytes}\n`,
});

describe.skipIf(process.platform === 'win32')('an AMD APU', () => {
  it('is hinted by a 512 MiB VRAM carve-out beside a large GTT pool', async () => {
    expect(await looksLikeAmdApu(await sysfs({ '0000:c5:00.0': amd(512 * MIB, 62 * GIB) }))).toBe(true);
  });

  it('is not a discrete card with VRAM of its own', async () => {
    expect(await looksLikeAmdApu(await sysfs({ '0000:03:00.0': amd(16 * GIB, 31 * GIB) }))).toBe(false);
  });

  it('is no hint beside an NVIDIA GPU, which Ollama would use', async () => {
    const root = await sysfs({
      '0000:c5:00.0': amd(512 * MIB, 62 * GIB),
      '0000:01:00.0': { vendor: '0x10de\n', class: '0x030200\n' },
    });
    expect(await looksLikeAmdApu(root)).toBe(false);
  });

  it('is no hint where sysfs cannot be read, or the sizes are missing', async () => {
    expect(await looksLikeAmdApu(join(tmpdir(), 'no-such-sysfs'))).toBe(false);
    expect(await looksLikeAmdApu(await sysfs({ '0000:c5:00.0': { vendor: '0x1002\n', class: '0x030000\n' } }))).toBe(
      false,
    );
  });
});
