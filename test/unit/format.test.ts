import { describe, expect, it } from 'vitest';
import {
  BYTES_PER_GB,
  bytesToGb,
  formatBytes,
  formatBytesSteady,
  formatDuration,
  formatRole,
  gbToBytes,
  residentSizeText,
  swapText,
} from '../../src/shared/format';
import { GIB, MIB, gib } from '../support/bytes';

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [60, '1m 0s'],
    [323, '5m 23s'],
    [3599, '59m 59s'],
    [3600, '1h 0m'],
    [7620, '2h 7m'],
    [90_061, '25h 1m'],
    [-5, '0s'],
  ])('%i s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('formatRole', () => {
  it.each([
    ['senior_developer', 'Senior Developer'],
    ['test_lead', 'Test Lead'],
    ['ceo', 'CEO'],
    ['chro', 'CHRO'],
    ['uiux_engineer', 'UI/UX Engineer'],
    ['operations_head', 'Operations Head'],
  ])('%s → %s', (role, text) => {
    expect(formatRole(role)).toBe(text);
  });
});

describe('formatBytes', () => {
  it.each([
    ['nothing', 0, '0 GB'],
    ['a negative figure', -MIB, '0 GB'],
    ['a byte', 1, 'under 1 MB'],
    ['300 KiB', 300 * 1024, 'under 1 MB'],
    ['just under half a MiB', MIB / 2 - 1, 'under 1 MB'],
    ['half a MiB', MIB / 2, '1 MB'],
    ['an idle VM of 48 MiB', 48 * MIB, '48 MB'],
    ['198 MiB', 198 * MIB, '198 MB'],
    ['1023.4 MiB', Math.round(1023.4 * MIB), '1023 MB'],
    ['1023.7 MiB, which rounds to a GB and never to 1024 MB', Math.round(1023.7 * MIB), '1 GB'],
    ['a GiB', GIB, '1 GB'],
    ['6.7 GiB', gib(6.7), '6.7 GB'],
    ['19.74 GiB', gib(19.74), '19.7 GB'],
    ['9.96 GiB', gib(9.96), '10 GB'],
    ['33 GiB', 33 * GIB, '33 GB'],
  ])('%s → %s', (_name, bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatBytesSteady', () => {
  it.each([
    ['nothing', 0, '0 GB'],
    ['4 MiB', 4 * MIB, 'under 10 MB'],
    ['an idle VM of 48 MiB', 48 * MIB, '50 MB'],
    ['the same VM at 52 MiB', 52 * MIB, '50 MB'],
    ['198 MiB', 198 * MIB, '200 MB'],
    ['1023.7 MiB', Math.round(1023.7 * MIB), '1 GB'],
    ['6.7 GiB', gib(6.7), '6.7 GB'],
  ])('%s → %s', (_name, bytes, text) => {
    expect(formatBytesSteady(bytes)).toBe(text);
  });
});

describe('GB and bytes', () => {
  it('means a GiB by GB', () => {
    expect(BYTES_PER_GB).toBe(2 ** 30);
  });

  it('takes a GB figure as whole bytes', () => {
    expect(gbToBytes(6.7)).toBe(7_194_070_221);
    expect(gbToBytes(6.7)).toBe(gib(6.7));
    expect(gbToBytes(33)).toBe(33 * GIB);
  });

  it('gives a chart GB to a hundredth', () => {
    expect(bytesToGb(gib(6.7))).toBe(6.7);
    expect(bytesToGb(198 * MIB)).toBe(0.19);
    expect(bytesToGb(0)).toBe(0);
  });
});

describe('residentSizeText', () => {
  it("shows Ollama's own figure as it is, and an estimate standing in for one as approximate", () => {
    expect(residentSizeText({ sizeBytes: gib(4.3), sizeFrom: 'ollama' })).toBe('4.3 GB');
    expect(residentSizeText({ sizeBytes: gib(6.7), sizeFrom: 'estimate' })).toBe('~6.7 GB');
    expect(residentSizeText({ sizeBytes: 198 * MIB, sizeFrom: 'ollama' })).toBe('198 MB');
  });
});

describe('swapText', () => {
  it('says how much swap is in use', () => {
    expect(swapText(gib(2.1))).toBe('swap 2.1 GB in use');
    expect(swapText(300 * MIB)).toBe('swap 300 MB in use');
    // macOS's `used = 1069.00M`.
    expect(swapText(1069 * MIB)).toBe('swap 1 GB in use');
  });

  it('says nothing where no swap is in use, or it was not read', () => {
    expect(swapText(0)).toBeNull();
    expect(swapText(null)).toBeNull();
  });
});
