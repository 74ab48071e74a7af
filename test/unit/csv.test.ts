import { describe, expect, it } from 'vitest';
import { csvField, csvRecord } from '../../src/main/core/views/csv';

describe('CSV fields', () => {
  it.each([
    // what the cell holds, how it is written
    ['plain', 'plain'],
    ['senior_developer', 'senior_developer'],
    // Formula starts get a leading apostrophe, so a spreadsheet shows them as text.
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+1 555 0100', "'+1 555 0100"],
    ['-2+3', "'-2+3"],
    ['@import', "'@import"],
    ['\tindented', "'\tindented"],
    // CR is both a formula start and a character that needs quotes.
    ['\rcarriage', `"'\rcarriage"`],
    // A formula start later in the text is harmless.
    ['a=b', 'a=b'],
    [' =spaced', ' =spaced'],
    // Quoting per RFC 4180: comma, double quote, CR, LF; quotes doubled.
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['line one\nline two', '"line one\nline two"'],
    ['line one\r\nline two', '"line one\r\nline two"'],
    ['=1,2', `"'=1,2"`],
    ['="x"', `"'=""x"""`],
    // Non-ASCII passes through as it is.
    ['Größe café 日本語 🚀', 'Größe café 日本語 🚀'],
    ['naïve, "quoted"', '"naïve, ""quoted"""'],
    // Null is an empty field; an empty string is an empty quoted one.
    [null, ''],
    ['', '""'],
    // Numbers written are never negative; they pass the same guard untouched.
    [0, '0'],
    [1200, '1200'],
    [-5, "'-5"],
  ] as const)('%j is written as %j', (cell, written) => {
    expect(csvField(cell)).toBe(written);
  });

  it('ends every record with CRLF and separates fields with commas', () => {
    expect(csvRecord(['a', null, 3, 'x,y'])).toBe('a,,3,"x,y"\r\n');
    expect(csvRecord([])).toBe('\r\n');
  });
});
