import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSwapUsed, readLinuxSwapUsed } from '../../src/main/sources/machine/linuxSwap';
import { swapText } from '../../src/shared/format';
import { useProcRoots } from '../support/sysfsTree';

/** A 32 GB desktop with an 8 GB swap file, 2.1 GiB of it in use; `SwapCached` comes first and is not the figure. */
const SWAPPING = readFileSync(new URL('../fixtures/platform/meminfo-linux-swapping.txt', import.meta.url), 'utf8');

/** The same machine with no swap at all: a cloud VM, or a desktop with swap turned off. */
const NO_SWAP = SWAPPING.replace(/^SwapCached:.*$/m, 'SwapCached:            0 kB')
  .replace(/^SwapTotal:.*$/m, 'SwapTotal:             0 kB')
  .replace(/^SwapFree:.*$/m, 'SwapFree:              0 kB');

const without = (field: string): string => SWAPPING.replace(new RegExp(`^${field}:.*\\n`, 'm'), '');

describe('parseSwapUsed', () => {
  it('reads swap in use from SwapTotal less SwapFree, in KiB, as exact bytes', () => {
    expect(parseSwapUsed(SWAPPING)).toBe((8388604 - 6186236) * 1024);
    expect(parseSwapUsed(SWAPPING)).toBe(2202368 * 1024);
    expect(swapText(parseSwapUsed(SWAPPING))).toBe('swap 2.1 GB in use');
  });

  it('is 0 on a machine with no swap', () => {
    expect(parseSwapUsed(NO_SWAP)).toBe(0);
  });

  it('is 0 with swap configured but none of it in use', () => {
    expect(parseSwapUsed(SWAPPING.replace(/^SwapFree:.*$/m, 'SwapFree:        8388604 kB'))).toBe(0);
  });

  it('is null, not 0, where a field it needs is missing', () => {
    expect(parseSwapUsed(without('SwapTotal'))).toBeNull();
    expect(parseSwapUsed(without('SwapFree'))).toBeNull();
    expect(parseSwapUsed('')).toBeNull();
    expect(parseSwapUsed('not meminfo at all\n')).toBeNull();
  });
});

describe('readLinuxSwapUsed', () => {
  const procWith = useProcRoots();

  it('reads the meminfo under the given procfs root', async () => {
    await expect(readLinuxSwapUsed(await procWith(SWAPPING))).resolves.toBe(2202368 * 1024);
    await expect(readLinuxSwapUsed(await procWith(NO_SWAP))).resolves.toBe(0);
  });

  it('is null where there is no meminfo to read', async () => {
    await expect(readLinuxSwapUsed(join(tmpdir(), 'no-such-proc'))).resolves.toBeNull();
    await expect(readLinuxSwapUsed(await procWith(''))).resolves.toBeNull();
  });

  it('is null where the meminfo lacks the swap fields', async () => {
    await expect(readLinuxSwapUsed(await procWith(without('SwapFree')))).resolves.toBeNull();
  });
});
