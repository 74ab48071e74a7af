import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  GpuMemoryReader,
  parseNvidiaSmi,
  readNvidiaSmi,
  type GpuMemoryReaderOptions,
} from '../../src/main/sources/machine/gpuMemory';

const FIXTURES = join(import.meta.dirname, '../fixtures/platform');
/** A fixture's text without its `#` header (its source and machine). */
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8').replace(/^(?:#.*\n)+/, '');
const MIB = 1024 * 1024;

describe('parseNvidiaSmi', () => {
  it('reads one RTX 4090 in MiB', () => {
    expect(parseNvidiaSmi(fixture('nvidia-smi-rtx4090.txt'))).toEqual({
      totalBytes: 24564 * MIB,
      usedBytes: 13320 * MIB,
      count: 1,
    });
  });

  it('sums over the GPUs, one line each', () => {
    expect(parseNvidiaSmi(fixture('nvidia-smi-two-gpus.txt'))).toEqual({
      totalBytes: (24564 + 24576) * MIB,
      usedBytes: (13320 + 18431) * MIB,
      count: 2,
    });
  });

  it('leaves out a GPU that says [N/A]', () => {
    expect(parseNvidiaSmi(fixture('nvidia-smi-one-na.txt'))).toEqual({
      totalBytes: 24564 * MIB,
      usedBytes: 13320 * MIB,
      count: 1,
    });
  });

  it('is unknown when no GPU could be read', () => {
    expect(parseNvidiaSmi(fixture('nvidia-smi-na.txt'))).toBeNull();
    expect(parseNvidiaSmi(fixture('nvidia-smi-garbage.txt'))).toBeNull();
    expect(parseNvidiaSmi('')).toBeNull();
  });

  it.each(['24564', '24564, 13320, 7', 'abc, 13320', '0, 0', '1000, 2000', '-1, 5'])(
    '%j is a GPU it cannot read',
    (line) => {
      expect(parseNvidiaSmi(line)).toBeNull();
    },
  );

  it('takes Windows line endings', () => {
    expect(parseNvidiaSmi('24564, 13320\r\n24576, 18431\r\n')?.totalBytes).toBe((24564 + 24576) * MIB);
  });

  it('reads the data beside the infoROM warning', () => {
    expect(parseNvidiaSmi(fixture('nvidia-smi-inforom-exit14.txt'))).toEqual({
      totalBytes: 16280 * MIB,
      usedBytes: 0,
      count: 1,
    });
  });
});

describe('readNvidiaSmi', () => {
  it.each([
    ['nvidia-smi-gb10-na.txt', 'a DGX Spark (published)'],
    ['nvidia-smi-gb10-known-issue.txt', "NVIDIA's known issue for the GB10 (published)"],
    ['nvidia-smi-jetson-orin-na.txt', 'a Jetson AGX Orin (published)'],
    ['nvidia-smi-na.txt', 'our query where memory is not reported'],
    ['nvidia-smi-not-supported.txt', "an older driver's placeholder"],
  ])('counts a GPU that reports no memory in %s, %s', (name) => {
    expect(readNvidiaSmi(fixture(name))).toEqual({ memory: null, known: 0, unreported: 1 });
  });

  it('counts readable and unreported GPUs apart', () => {
    expect(readNvidiaSmi(fixture('nvidia-smi-one-na.txt'))).toEqual({
      memory: { totalBytes: 24564 * MIB, usedBytes: 13320 * MIB, count: 1 },
      known: 1,
      unreported: 1,
    });
  });

  it('counts neither a message nor a header as a GPU', () => {
    expect(readNvidiaSmi(fixture('nvidia-smi-garbage.txt'))).toEqual({ memory: null, known: 0, unreported: 0 });
    expect(readNvidiaSmi('memory.total [MiB], memory.used [MiB]\n')).toEqual({ memory: null, known: 0, unreported: 0 });
  });
});

type Answer = string | Error | Promise<string>;

/** An injected exec that gives its answers in turn, an injected clock, and the calls made. */
function harness(answers: Answer[], options: Partial<GpuMemoryReaderOptions> = {}) {
  const calls: { file: string; args: readonly string[]; timeoutMs: number }[] = [];
  let now = 1_000_000;
  const exec = (file: string, args: readonly string[], { timeoutMs }: { timeoutMs: number }): Promise<string> => {
    calls.push({ file, args, timeoutMs });
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)] ?? new Error('no answer');
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  const reader = new GpuMemoryReader({ exec, clock: () => now, ...options });
  return {
    reader,
    calls,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** Lets every callback already due run (one turn of the event loop; no time passes on the injected clock). */
const settleCallbacks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A promise the test settles when it chooses: an nvidia-smi that takes as long as the test likes. */
function pending() {
  let resolve: (text: string) => void = () => undefined;
  const promise = new Promise<string>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

const enoent = (): Error => Object.assign(new Error('spawn nvidia-smi ENOENT'), { code: 'ENOENT' });

describe('GpuMemoryReader', () => {
  it('runs nvidia-smi with the memory query, killed after a minute', async () => {
    const { reader, calls } = harness(['24564, 13320\n']);
    await expect(reader.read()).resolves.toEqual({ totalBytes: 24564 * MIB, usedBytes: 13320 * MIB, count: 1 });
    // A minute: 8-GPU hosts without the persistence daemon take up to 30 s, and nothing waits on the run.
    expect(calls).toEqual([
      {
        file: 'nvidia-smi',
        args: ['--query-gpu=memory.total,memory.used', '--format=csv,noheader,nounits'],
        timeoutMs: 60_000,
      },
    ]);
  });

  it('runs at most every 30 s and answers with the last reading in between', async () => {
    const { reader, calls, advance } = harness(['24564, 13320\n', '24564, 20000\n']);
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
    const { reader, calls } = harness(['24564, 13320\n']);
    const [first, second] = await Promise.all([reader.read(), reader.read()]);
    expect(second).toEqual(first);
    expect(calls).toHaveLength(1);
  });

  it('never runs nvidia-smi again once it is missing', async () => {
    const { reader, calls, advance } = harness([enoent(), '24564, 13320\n']);
    await expect(reader.read()).resolves.toBeNull();
    for (let i = 0; i < 5; i += 1) {
      advance(60_000);
      await expect(reader.read()).resolves.toBeNull();
    }
    expect(calls).toHaveLength(1);
  });

  it('tries again after the interval when nvidia-smi failed for another reason', async () => {
    const noDriver = Object.assign(new Error('Command failed: nvidia-smi'), { code: 9 });
    const { reader, calls, advance } = harness([noDriver, '24564, 13320\n']);
    await expect(reader.read()).resolves.toBeNull();
    advance(5_000);
    await expect(reader.read()).resolves.toBeNull();
    expect(calls).toHaveLength(1);
    advance(30_000);
    await expect(reader.read()).resolves.toEqual({ totalBytes: 24564 * MIB, usedBytes: 13320 * MIB, count: 1 });
    expect(calls).toHaveLength(2);
  });

  it('is unknown for output it cannot read, without rejecting', async () => {
    const { reader } = harness([fixture('nvidia-smi-garbage.txt')]);
    await expect(reader.read()).resolves.toBeNull();
  });

  it('takes the data nvidia-smi prints when it exits 14, a corrupted infoROM, which is only a warning', async () => {
    // execFile's rejection for a non-zero exit: the status as `code`, the output as `stdout`.
    const inforom = Object.assign(new Error('Command failed: nvidia-smi'), {
      code: 14,
      stdout: fixture('nvidia-smi-inforom-exit14.txt'),
      stderr: '',
    });
    const { reader } = harness([inforom]);
    await expect(reader.read()).resolves.toEqual({ totalBytes: 16280 * MIB, usedBytes: 0, count: 1 });
  });

  it('takes no other failing exit as data', async () => {
    const failed = Object.assign(new Error('Command failed: nvidia-smi'), { code: 15, stdout: '24564, 13320\n' });
    const { reader } = harness([failed]);
    await expect(reader.read()).resolves.toBeNull();
  });

  it('never waits for a run: a 30 s nvidia-smi leaves the last reading in place until it is too old, then unknown', async () => {
    const slow = pending();
    const { reader, calls, advance } = harness(['24564, 13320\n', slow.promise]);
    await reader.read();
    advance(30_000);
    let finished = false;
    void reader.refresh().then(() => {
      finished = true;
    });
    await settleCallbacks();
    expect(calls).toHaveLength(2);
    // While the second run takes its time, the first answer stands...
    expect(reader.latest()?.memory?.usedBytes).toBe(13320 * MIB);
    advance(90_000);
    expect(reader.latest()?.memory?.usedBytes).toBe(13320 * MIB);
    // ...until it is more than two minutes old: then unknown, never 0.
    advance(1);
    expect(reader.latest()).toBeNull();
    // No second nvidia-smi is started over one still under way.
    advance(60_000);
    void reader.refresh();
    await settleCallbacks();
    expect(calls).toHaveLength(2);
    slow.resolve('24564, 20000\n');
    await reader.refresh();
    expect(finished).toBe(true);
    expect(reader.latest()?.memory?.usedBytes).toBe(20000 * MIB);
  });

  it('lets the last reading age when a run is killed at its timeout', async () => {
    const killed = Object.assign(new Error('Command failed: nvidia-smi'), {
      killed: true,
      signal: 'SIGTERM',
      code: null,
    });
    const { reader, advance } = harness(['24564, 13320\n', killed]);
    await reader.read();
    advance(30_000);
    await expect(reader.read()).resolves.toEqual({ totalBytes: 24564 * MIB, usedBytes: 13320 * MIB, count: 1 });
    advance(91_000);
    await expect(reader.read()).resolves.toBeNull();
  });

  it('runs nothing while mayRun says no, and asks again after the interval', async () => {
    let allowed = false;
    const { reader, calls, advance } = harness(['24564, 13320\n'], { mayRun: () => allowed });
    await expect(reader.read()).resolves.toBeNull();
    expect(calls).toHaveLength(0);
    allowed = true;
    advance(10_000);
    await reader.read();
    expect(calls).toHaveLength(0);
    advance(20_000);
    await expect(reader.read()).resolves.toEqual({ totalBytes: 24564 * MIB, usedBytes: 13320 * MIB, count: 1 });
  });

  it('runs nothing when mayRun cannot tell', async () => {
    const { reader, calls } = harness(['24564, 13320\n'], {
      mayRun: () => Promise.reject(new Error('sysfs gone')),
    });
    await expect(reader.read()).resolves.toBeNull();
    expect(calls).toHaveLength(0);
  });
});
