import { describe, expect, it } from 'vitest';
import { formatDuration, formatGb, formatRole } from '../../src/shared/format';

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

describe('formatGb', () => {
  it.each([
    [6.7, '6.7 GB'],
    [33, '33 GB'],
    [19.74, '19.7 GB'],
    [0, '0 GB'],
  ])('%d → %s', (gb, text) => {
    expect(formatGb(gb)).toBe(text);
  });
});
