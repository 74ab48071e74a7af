/**
 * Text that came from outside (a session row, a registry entry, a model name,
 * a server's error) shown where it cannot act: a terminal obeys escape
 * sequences, so a description holding `ESC ]0;…BEL` would retitle the window
 * and one holding `ESC [2J` would clear it, a newline would forge a line of
 * its own, and a bidirectional override would show text in another order
 * than it is. Each such character is replaced by a visible escape naming
 * exactly that character; everything else, any script and any emoji, is
 * left as it is.
 *
 * Pure and free of dependencies: the command line and the dashboard both use
 * it, so the same text looks the same everywhere.
 */

/**
 * C0 controls (U+0000–U+001F, newline, tab, ESC and BEL among them), DEL and
 * the C1 controls (U+0080–U+009F) are exactly Unicode's `Cc`; then the
 * bidirectional marks, embeddings, overrides and isolates.
 */
const UNSAFE = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** Holds none of the characters above; nearly every text is this, and testing for it costs about half the Unicode-aware replace. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** The same set less C0, which JSON.stringify already writes as `\u001b`. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The three everyone reads at a glance; every other one by its code. */
const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const hex = (code: number, digits: number): string => code.toString(16).padStart(digits, '0');

function escapeOne(char: string): string {
  const code = char.charCodeAt(0);
  return SHORT[char] ?? (code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`);
}

/**
 * `\x1b`, `\x07`, `\n`, `\x9b`, `\u202e` in place of the character. A
 * backslash is left alone: escaping it would double every one in a Windows
 * path, and leaving it keeps the function idempotent, so text escaped once
 * (by the command line) and again (by whatever shows it) reads the same.
 */
export function escapeControls(text: string): string {
  return PRINTABLE_ASCII.test(text) ? text : text.replace(UNSAFE, escapeOne);
}

/**
 * Serialized JSON made as safe as `escapeControls` makes text: JSON.stringify
 * escapes C0 already, but writes DEL, C1 and the bidirectional controls as
 * they are. Outside its strings JSON holds only ASCII punctuation, digits and
 * spaces, so each of these is inside a string, where `\u202e` stands for the
 * same character: the result parses to equal values.
 */
export function escapeJsonControls(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (char) => `\\u${hex(char.charCodeAt(0), 4)}`);
}
