import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GpuMemoryReader, parseNvidiaSmi } from '../../src/main/sources/gpuMemory';

const FIXTURES = join(import.meta.dirname, '../fixtures/platform');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const MIB = 1024 * 1024;

describe('parseNvidiaSmi', () => {
  it('reads one RTX 4090 in MiB', () => {
    expect(parseNvidiaSmi(fixture('nvidia-smi-rtx4090.txt'))).toEqual({ totalBytes: 24564 * MIB, usedBytes: 13320 * MIB });
  });

  it('sums over the GPUs, one line each', () => {
    expect(parseNvidiaSmi(fixture('nvidia-smi-two-gpus.txt'))).toEqual({ totalBytes: (24564 + 24576) * MIB, usedBytes: (13320 + 18431) * MIB });
  });

  it('leaves out a GPU that says [N/A]', () => {
    expect(parseNvidiaSmi(fixture('nvidia-smi-one-na.txt'))).toEqual({ totalBytes: 24564 * MIB, usedBytes: 13320 * MIB });
  });

  it('is unknown when no GPU could be read', () => {
    expect(parseNvidiaSmi(fixture('nvidia-smi-na.txt'))).toBeNull();
    expect(parseNvidiaSmi(fixture('nvidia-smi-garbage.txt'))).toBeNull();
    expect(parseNvidiaSmi('')).toBeNull();
  });

  it.each(['24564', '24564, 13320, 7', 'abc, 13320', '0, 0', '1000, 2000', '-1, 5'])('%j is a GPU it cannot read', (line) => {
    expect(parseNvidiaSmi(line)).toBeNull();
  });

  it('takes Windows line endings', () => {
    expect(parseNvidiaSmi('24564, 13320\r\n24576, 18431\r\n')?.totalBytes).toBe((24564 + 24576) * MIB);
  });
});

type Answer = string | Error;

/** An injected exec that gives its answers in turn, an injected clock, and the calls made. */
function harness(...answers: Answer[]) {
  const calls: { file: string; args: readonly string[]; timeoutMs: number }[] = [];
  let now = 1_000_000;
  const exec = (file: string, args: readonly string[], { timeoutMs }: { timeoutMs: number }): Promise<string> => {
    calls.push({ file, args, timeoutMs });
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)] ?? new Error('no answer');
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  const reader = new GpuMemoryReader({ exec, clock: () => now });
  return {
    reader,
    calls,
    advance(ms: number) {
      now += ms;
    },
  };
}

const enoent = (): Error => Object.assign(new Error('spawn nvidia-smi ENOENT'), { code: 'ENOENT' });

describe('GpuMemoryReader', () => {
  it('runs nvidia-smi with the memory query and a 2 s timeout', async () => {
    const { reader, calls } = harness('24564, 13320\n');
    await expect(reader.read()).resolves.toEqual({ totalBytes: 24564 * MIB, usedBytes: 13320 * MIB });
    expect(calls).toEqual([{ file: 'nvidia-smi', args: ['--query-gpu=memory.total,memory.used', '--format=csv,noheader,nounits'], timeoutMs: 2000 }]);
  });

  it('runs at most every 30 s and answers with the last reading in between', async () => {
    const { reader, calls, advance } = harness('24564, 13320\n', '24564, 20000\n');
    expect((await reader.read())?.usedBytes).toBe(13320 * MIB);
    advance(10_000);
    expect((await reader.read())?.usedBytes).toBe(13320 * MIB);
    advance(19_999);
    expect((await reader.read())?.usedBytes).toBe(13320 * MIB);
    expect(calls).toHaveLength(1);
    advance(1);
    expect((await reader.read())?.usedBytes).toBe(20000 * MIB);
    expect(calls).toHaveLength(2);
  });

  it('shares a reading still under way', async () => {
    const { reader, calls } = harness('24564, 13320\n');
    const [first, second] = await Promise.all([reader.read(), reader.read()]);
    expect(second).toEqual(first);
    expect(calls).toHaveLength(1);
  });

  it('never runs nvidia-smi again once it is missing', async () => {
    const { reader, calls, advance } = harness(enoent(), '24564, 13320\n');
    await expect(reader.read()).resolves.toBeNull();
    for (let i = 0; i < 5; i += 1) {
      advance(60_000);
      await expect(reader.read()).resolves.toBeNull();
    }
    expect(calls).toHaveLength(1);
  });

  it('tries again after the interval when nvidia-smi failed for another reason', async () => {
    const noDriver = Object.assign(new Error('Command failed: nvidia-smi'), { code: 9 });
    const { reader, calls, advance } = harness(noDriver, '24564, 13320\n');
    await expect(reader.read()).resolves.toBeNull();
    advance(5_000);
    await expect(reader.read()).resolves.toBeNull();
    expect(calls).toHaveLength(1);
    advance(30_000);
    await expect(reader.read()).resolves.toEqual({ totalBytes: 24564 * MIB, usedBytes: 13320 * MIB });
    expect(calls).toHaveLength(2);
  });

  it('is unknown for output it cannot read, without rejecting', async () => {
    const { reader } = harness(fixture('nvidia-smi-garbage.txt'));
    await expect(reader.read()).resolves.toBeNull();
  });
});
