import { describe, expect, it } from 'vitest';
import { ROLE_MEMORY_GB, ROLE_MODELS } from '../../src/main/core/echoRoster';
import { estimateMemoryBytes, estimateMemoryGb, parameterBillions } from '../../src/main/core/memoryEstimate';

describe('parameterBillions', () => {
  it.each([
    ['deepseek-coder:6.7b', 6.7],
    ['qwen2.5:14b', 14],
    ['llama3.2-vision:11b', 11],
    ['llama3.1:8b-instruct-q4_K_M', 8],
    ['mixtral:8x7b', 56],
    ['registry.local/team/phi3:3.8b', 3.8],
    ['codellama:latest', null],
    ['mistral', null],
    ['gemma2:0b', null],
  ] as const)('%s → %s', (model, billions) => {
    expect(parameterBillions(model)).toBe(billions);
  });
});

describe('estimateMemoryGb', () => {
  it("agrees with the seed's table for every ECHO role and its model", () => {
    for (const [role, model] of Object.entries(ROLE_MODELS)) {
      expect(estimateMemoryGb(role, model)).toBe(ROLE_MEMORY_GB[role]);
    }
  });

  it('reads any model tag, falls back to the role, then to 5 GB', () => {
    expect(estimateMemoryGb('cto', 'llama3.1:70b')).toBe(70);
    expect(estimateMemoryGb('cto', 'custom:latest')).toBe(33);
    expect(estimateMemoryGb('data_scientist', 'custom:latest')).toBe(5);
  });

  it("lets the user's model figure beat the role figure, and both beat the rule", () => {
    const overrides = { byModel: { 'deepseek-coder:33b': 20 }, byRole: { cto: 40, ceo: 9 } };
    expect(estimateMemoryGb('cto', 'deepseek-coder:33b', overrides)).toBe(20);
    expect(estimateMemoryGb('ceo', 'qwen2.5:14b', overrides)).toBe(9);
  });
});

describe('estimateMemoryBytes', () => {
  it('is the rule in whole bytes, a GB being 2^30 bytes', () => {
    expect(estimateMemoryBytes('', 'deepseek-coder:6.7b')).toBe(Math.round(6.7 * 2 ** 30));
    expect(estimateMemoryBytes('', 'deepseek-coder:6.7b')).toBe(7_194_070_221);
    expect(estimateMemoryBytes('cto', 'deepseek-coder:33b')).toBe(33 * 2 ** 30);
    expect(estimateMemoryBytes('cto', 'deepseek-coder:33b', { byRole: { cto: 20.5 } })).toBe(20.5 * 2 ** 30);
  });
});
