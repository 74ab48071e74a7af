import { describe, expect, it } from 'vitest';
import { sameModel } from '../../src/shared/modelName';

describe("the unloader's model names", () => {
  it.each([
    ['deepseek-coder:latest', 'deepseek-coder', true],
    ['deepseek-coder:latest', 'deepseek-coder:latest', true],
    ['deepseek-coder:6.7b', 'deepseek-coder:6.7b', true],
    ['registry.local:5000/team/coder:latest', 'registry.local:5000/team/coder', true],
    ['deepseek-coder:6.7b', 'deepseek-coder', false],
    ['deepseek-coder:latest', 'deepseek-coder:6.7b', false],
    ['deepseek-coder-v2:latest', 'deepseek-coder', false],
  ])('Ollama listing %s is the %s asked for: %s', (listed, asked, same) => {
    expect(sameModel(listed, asked)).toBe(same);
  });
});
