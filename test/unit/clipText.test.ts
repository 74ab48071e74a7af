import { describe, expect, it } from 'vitest';
import { clipOptional, clipText, markCut, TEXT_LIMITS } from '../../src/shared/clipText';

describe('clipText', () => {
  it('leaves a text within the limit as it is', () => {
    expect(clipText('Implement password reset feature', TEXT_LIMITS.description)).toBe(
      'Implement password reset feature',
    );
    expect(clipText('x'.repeat(500), 500)).toBe('x'.repeat(500));
  });

  it('cuts a longer one, saying how long it was', () => {
    const clipped = clipText('a'.repeat(1_048_576), TEXT_LIMITS.description);
    expect(clipped).toBe(`${'a'.repeat(1000)}… (cut from 1,048,576 characters)`);
  });

  it('never cuts an emoji in two', () => {
    const text = `${'a'.repeat(9)}😀tail`;
    expect(clipText(text, 10)).toBe(`${'a'.repeat(9)}… (cut from ${String(text.length)} characters)`);
    expect(markCut('ab😀', 40)).toBe('ab😀… (cut from 40 characters)');
  });

  it('lets null and undefined through', () => {
    expect(clipOptional(null, 10)).toBeNull();
    expect(clipOptional<string | undefined>(undefined, 10)).toBeUndefined();
    expect(clipOptional('x'.repeat(11), 10)).toBe(`${'x'.repeat(10)}… (cut from 11 characters)`);
  });
});
