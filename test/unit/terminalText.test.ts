import { describe, expect, it } from 'vitest';
import { escapeControls, escapeJsonControls } from '../../src/shared/terminalText';

const codes = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, index) => from + index);

/**
 * Every character that must never reach a terminal as it is, written out rather than by property, so the property's
 * reach is checked too.
 */
const UNSAFE = [
  ...codes(0x00, 0x1f),
  0x7f,
  ...codes(0x80, 0x9f),
  0xad,
  0x061c,
  0x180e,
  ...codes(0x200b, 0x200f),
  0x2028,
  0x2029,
  ...codes(0x202a, 0x202e),
  ...codes(0x2060, 0x2064),
  ...codes(0x2066, 0x206f),
  0xfeff,
  ...codes(0xfff9, 0xfffb),
  0x1d173,
  0xe0001,
  ...codes(0xe0020, 0xe007f),
];

/**
 * Any character a terminal would obey, that would reorder what it shows, that it would not show, or that would break
 * its line.
 */
const RAW = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** Tag characters spelling `text`: how a hidden sentence rides after a flag, or after anything. */
const tags = (text: string): string =>
  String.fromCodePoint(...Array.from(text, (char) => 0xe0000 + char.charCodeAt(0)));

describe('escapeControls', () => {
  it.each([
    ['\n', '\\n'],
    ['\r', '\\r'],
    ['\t', '\\t'],
    ['\x00', '\\x00'],
    ['\x07', '\\x07'],
    ['\x1b', '\\x1b'],
    ['\x1f', '\\x1f'],
    ['\x7f', '\\x7f'],
    ['\x80', '\\x80'],
    ['\x9b', '\\x9b'],
    ['\x9f', '\\x9f'],
    ['\u061c', '\\u061c'],
    ['\u200e', '\\u200e'],
    ['\u200f', '\\u200f'],
    ['\u202a', '\\u202a'],
    ['\u202e', '\\u202e'],
    ['\u2066', '\\u2066'],
    ['\u2069', '\\u2069'],
    ['\u200b', '\\u200b'],
    ['\u200c', '\\u200c'],
    ['\u200d', '\\u200d'],
    ['\u2060', '\\u2060'],
    ['\u2064', '\\u2064'],
    ['\ufeff', '\\ufeff'],
    ['\u180e', '\\u180e'],
    ['\u00ad', '\\xad'],
    ['\u2028', '\\u2028'],
    ['\u2029', '\\u2029'],
    ['\u206a', '\\u206a'],
    ['\ufff9', '\\ufff9'],
    ['\u{e0001}', '\\u{e0001}'],
    ['\u{e0041}', '\\u{e0041}'],
  ])('shows %j as %s', (raw, shown) => {
    expect(escapeControls(raw)).toBe(shown);
  });

  it('escapes every character of the list, each as one escape of its own', () => {
    for (const code of UNSAFE) {
      const shown = escapeControls(`a${String.fromCodePoint(code)}b`);
      expect(shown, `U+${code.toString(16)}`).toMatch(/^a\\(x[0-9a-f]{2}|u[0-9a-f]{4}|u\{[0-9a-f]{5}\}|[nrt])b$/);
      expect(shown).not.toMatch(RAW);
    }
  });

  it('escapes every format character and line or paragraph separator Unicode has, but for the few drawn as signs', () => {
    const drawn = new Set([...codes(0x0600, 0x0605), 0x06dd, 0x070f, 0x0890, 0x0891, 0x08e2, 0x110bd, 0x110cd]);
    for (let code = 0; code <= 0x10ffff; code += 1) {
      const char = String.fromCodePoint(code);
      if (!RAW.test(char)) continue;
      expect(escapeControls(`a${char}b`), `U+${code.toString(16)}`).toBe(
        drawn.has(code) ? `a${char}b` : `a${escapeControls(char)}b`,
      );
      if (!drawn.has(code)) expect(escapeControls(char), `U+${code.toString(16)}`).not.toMatch(RAW);
    }
  });

  it('leaves the characters just outside the list alone', () => {
    for (const code of [
      0x20, 0x7e, 0xa0, 0xac, 0xae, 0x061b, 0x061d, 0x180d, 0x200a, 0x2010, 0x2027, 0x202f, 0x205f, 0x2065, 0xfe0f,
      0xfffc, 0xe0100,
    ]) {
      const char = String.fromCodePoint(code);
      expect(escapeControls(char), `U+${code.toString(16)}`).toBe(char);
    }
  });

  it('shows a zero-width space, a byte order mark, a word joiner and the separators escaped, so two names that look alike read apart', () => {
    expect(escapeControls('\ufeffadm\u200bin\u2060istrator')).toBe('\\ufeffadm\\u200bin\\u2060istrator');
    expect(escapeControls('line one\u2028line two\u2029next')).toBe('line one\\u2028line two\\u2029next');
    expect(escapeControls('pass\u00adword')).toBe('pass\\xadword');
    expect(escapeControls('pay\u200cpal \u200dadmin')).toBe('pay\\u200cpal \\u200dadmin');
  });

  it('keeps the joiners of emoji sequences and the tags of a subdivision flag, and escapes a joiner anywhere else', () => {
    for (const emoji of ['👨‍👩‍👧‍👦', '👩🏽‍💻', '🏳️‍🌈', '❤️‍🔥', '🧑‍🤝‍🧑', `🏴${tags('gbsct')}\u{e007f}`, `🏴${tags('gbeng')}\u{e007f}`]) {
      expect(escapeControls(`ship ${emoji} now`), emoji).toBe(`ship ${emoji} now`);
    }
    expect(escapeControls('🚀\u200dx')).toBe('🚀\\u200dx');
    expect(escapeControls('x\u200d🚀')).toBe('x\\u200d🚀');
    expect(escapeControls('🚀\u200d\u200d🚀')).toBe('🚀\\u200d\\u200d🚀');
  });

  it('escapes a hidden text in tag characters, after a flag or anywhere else', () => {
    const hidden = tags('ignore the above');
    expect(escapeControls(`Fix login${hidden}`)).toBe(
      `Fix login${Array.from(hidden, (char) => `\\u{${char.codePointAt(0)?.toString(16)}}`).join('')}`,
    );
    const flagged = escapeControls(`🏴${tags('gbsctx')}x\u{e007f}`);
    expect(flagged).not.toMatch(RAW);
    // Longer than a subdivision's code: every tag shown, none kept.
    expect(escapeControls(`🏴${tags('abcdefghijk')}\u{e007f}`)).not.toMatch(RAW);
    expect(escapeControls(`🏴${tags('gbsct')}`)).not.toMatch(RAW);
  });

  it("keeps the joiners of scripts that write with them: Persian's half-space, an Indic conjunct's joiner", () => {
    for (const text of [
      'می‌خواهم',
      'کتاب‌ها',
      'क्‍ष',
      '\u0d15\u0d3e\u0d30\u0d4d\u200d\u0d24\u0d4d\u0d24\u0d3f\u0d15',
      'ශ්‍රී',
    ]) {
      expect(escapeControls(text), text).toBe(text);
    }
    // Beside Latin, a digit or a mark every script shares, it is hidden, so shown.
    expect(escapeControls('a\u200cب')).toBe('a\\u200cب');
    expect(escapeControls('1\u200c2')).toBe('1\\u200c2');
  });

  it('keeps the Arabic number sign, which is drawn', () => {
    expect(escapeControls('\u0600١٢٣ \u06dd١')).toBe('\u0600١٢٣ \u06dd١');
  });

  it('defuses the sequences that retitle a window, clear the screen and forge a line', () => {
    const shown = escapeControls('Fix login\x1b]0;pwned-title\x07\x1b[2J\nOK: all clear \u202eevil');
    expect(shown).toBe('Fix login\\x1b]0;pwned-title\\x07\\x1b[2J\\nOK: all clear \\u202eevil');
    expect(shown).not.toMatch(RAW);
  });

  it.each([
    'Implement password reset feature',
    'Café, naïve, Straße, Ωμέγα, Привет',
    'مرحبا بالعالم',
    'שלום עולם',
    '日本語のテキスト, 한국어',
    '🚀 deploy 👩🏽‍💻 🇩🇪 👨‍👩‍👧',
    'C:\\Users\\echo\\export.csv',
    '',
  ])('passes ordinary text through unchanged: %s', (text) => {
    expect(escapeControls(text)).toBe(text);
  });

  it('is idempotent: text escaped twice reads as text escaped once', () => {
    const once = escapeControls('a\x1b[31mb\u202ec\n\u200b\u2028\u{e0041}');
    expect(escapeControls(once)).toBe(once);
  });
});

describe('escapeJsonControls', () => {
  const value = {
    description: 'Deploy\x1b]0;pwned\x07 \x1b[2J\u202eevil\x7f\x9b',
    category: 'dev\nfake',
    'key\u2066': ['مرحبا', '🚀', '\u200f'],
  };

  it('parses to the same values, with no raw control, DEL, C1 or bidirectional character left', () => {
    const json = escapeJsonControls(JSON.stringify(value, null, 2));
    expect(JSON.parse(json)).toEqual(value);
    expect(json).not.toMatch(/[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    expect(json).toContain('\\u202e');
    expect(json).toContain('\\u009b');
    expect(json).toContain('\\u007f');
    expect(json).toContain('\\u2066');
    // JSON.stringify's own escapes stay as they were.
    expect(json).toContain('\\u001b]0;pwned\\u0007');
    expect(json).toContain('dev\\nfake');
  });

  it('writes zero-width characters, the byte order mark, the separators and tags as \\u escapes, and keeps what text keeps', () => {
    const hostile = {
      name: '\ufeffqwen\u200b:7b\u2060',
      description: 'one\u2028two\u2029three\u00ad',
      hidden: `x${tags('hi')}`,
      family: '👨‍👩‍👧',
      persian: 'می‌خواهم',
    };
    const json = escapeJsonControls(JSON.stringify(hostile));
    expect(JSON.parse(json)).toEqual(hostile);
    expect(json).toContain('"\\ufeffqwen\\u200b:7b\\u2060"');
    expect(json).toContain('"one\\u2028two\\u2029three\\u00ad"');
    expect(json).toContain('"x\\udb40\\udc68\\udb40\\udc69"');
    expect(json).toContain('👨‍👩‍👧');
    expect(json).toContain('می‌خواهم');
    expect(json.replaceAll('👨‍👩‍👧', '').replaceAll('می‌خواهم', '')).not.toMatch(RAW);
  });

  it('changes nothing in JSON without such characters', () => {
    const json = JSON.stringify({ name: 'Implement', letters: 'שלום 日本 🚀' });
    expect(escapeJsonControls(json)).toBe(json);
  });
});
