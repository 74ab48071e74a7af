import { describe, expect, it } from 'vitest';
import { escapeControls, escapeJsonControls } from '../../src/shared/terminalText';

const codes = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, index) => from + index);

/** Every character that must never reach a terminal as it is. */
const UNSAFE = [...codes(0x00, 0x1f), 0x7f, ...codes(0x80, 0x9f), 0x061c, 0x200e, 0x200f, ...codes(0x202a, 0x202e), ...codes(0x2066, 0x2069)];

/** Any character a terminal would obey, or that would reorder what it shows. */
const RAW = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

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
  ])('shows %j as %s', (raw, shown) => {
    expect(escapeControls(raw)).toBe(shown);
  });

  it('escapes every character of the list, each as one escape of its own', () => {
    for (const code of UNSAFE) {
      const shown = escapeControls(`a${String.fromCharCode(code)}b`);
      expect(shown, `U+${code.toString(16)}`).toMatch(/^a\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[nrt])b$/);
      expect(shown).not.toMatch(RAW);
    }
  });

  it('leaves the characters just outside the list alone', () => {
    for (const code of [0x20, 0x7e, 0xa0, 0x061b, 0x061d, 0x200d, 0x2010, 0x2029, 0x202f, 0x2065, 0x206a]) {
      const char = String.fromCharCode(code);
      expect(escapeControls(char), `U+${code.toString(16)}`).toBe(char);
    }
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
    '🚀 deploy 👩🏽‍💻 🇩🇪',
    'C:\\Users\\echo\\export.csv',
    '',
  ])('passes ordinary text through unchanged: %s', (text) => {
    expect(escapeControls(text)).toBe(text);
  });

  it('is idempotent: text escaped twice reads as text escaped once', () => {
    const once = escapeControls('a\x1b[31mb\u202ec\n');
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

  it('changes nothing in JSON without such characters', () => {
    const json = JSON.stringify({ name: 'Implement', letters: 'שלום 日本 🚀' });
    expect(escapeJsonControls(json)).toBe(json);
  });
});
