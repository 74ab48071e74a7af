import { describe, expect, it } from 'vitest';
import { sameContent } from '../../src/renderer/src/store/sameContent';

describe('sameContent', () => {
  it('finds equal what JSON would write the same, in any key order', () => {
    expect(sameContent({ a: 1, b: [1, 'x', null, { c: true }] }, { b: [1, 'x', null, { c: true }], a: 1 })).toBe(true);
    expect(sameContent([], [])).toBe(true);
    expect(sameContent('x', 'x')).toBe(true);
  });

  it('tells apart a changed value, a missing or extra key, and an array from an object', () => {
    expect(sameContent({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameContent({ a: 1 }, { a: 1, b: 1 })).toBe(false);
    expect(sameContent({ a: 1, b: 1 }, { a: 1, c: 1 })).toBe(false);
    expect(sameContent([1, 2], [1, 2, 3])).toBe(false);
    expect(sameContent([1], { 0: 1 })).toBe(false);
    expect(sameContent({ a: null }, { a: {} })).toBe(false);
    expect(sameContent({ at: '2026-11-24T14:28:28Z' }, { at: '2026-11-24T14:28:29Z' })).toBe(false);
  });

  it('counts a key present but undefined as a difference from one that is absent, so at worst a part redraws', () => {
    expect(sameContent({ a: undefined }, { b: undefined })).toBe(false);
  });
});
