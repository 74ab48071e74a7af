/**
 * Text that came from outside (a session row, a registry entry, a model name,
 * a server's error) shown where it cannot act: a terminal obeys escape
 * sequences, so a description holding `ESC ]0;…BEL` would retitle the window
 * and one holding `ESC [2J` would clear it, a newline would forge a line of
 * its own, a bidirectional override would show text in another order than it
 * is, and an invisible character would make two different texts look the
 * same. Each such character is replaced by a visible escape naming exactly
 * that character; everything else, any script and any emoji, is left as it
 * is.
 *
 * Pure and free of dependencies: the command line and the dashboard both use
 * it, so the same text looks the same everywhere.
 */

/**
 * C0 controls (U+0000–U+001F, newline, tab, ESC and BEL among them), DEL and
 * the C1 controls (U+0080–U+009F) are exactly Unicode's `Cc`. `Cf`, the
 * format characters, are the invisible ones: the bidirectional marks,
 * embeddings, overrides and isolates, the zero-width space, joiners and word
 * joiner (U+200B–U+200D, U+2060–U+2064), the byte order mark (U+FEFF), the
 * soft hyphen (U+00AD: "ad\xadmin" looks like "admin" wherever no line breaks
 * at it), U+180E, the interlinear annotation marks and the tag characters
 * (U+E0000 block, which can carry a whole hidden text). `Zl` and `Zp`
 * (U+2028, U+2029) end a line in some terminals, editors and JSON readers.
 * A list by property rather than by hand, so a format character added to
 * Unicode is escaped as soon as the engine knows it.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * The characters above that stay as they are, each checked where it stands
 * (`lastIndex` at the character; the lookbehinds read what precedes it):
 *
 * - a zero-width joiner inside an emoji sequence (👩‍💻, 👨‍👩‍👧, 🏳️‍🌈): one
 *   pictograph, with its skin tone or variation selector, joined to the next,
 *   as Unicode's grapheme rule GB11 has it;
 * - the tags of a subdivision flag (🏴 + `gbsct` + cancel tag: Scotland's),
 *   a short code of tag letters and digits after the black flag: no room for
 *   a hidden sentence;
 * - a joiner or non-joiner between letters (or a virama) of a script that
 *   writes with them, Persian's half-space (می‌خواهم) and the Indic
 *   conjuncts among them: there it changes how the letters join, visibly.
 *   Never beside Latin, Greek or Cyrillic, whose letters are the ones a
 *   hidden character would help impersonate, nor beside punctuation, digits
 *   or combining marks shared by every script;
 * - the prepended concatenation marks (U+0600–U+0605, U+06DD, U+070F,
 *   U+0890–U+0891, U+08E2, U+110BD, U+110CD): format characters by category
 *   but drawn, as a sign spanning the digits that follow.
 */
const JOINING = String.raw`(?![\p{Script_Extensions=Latin}\p{Script_Extensions=Greek}\p{Script_Extensions=Cyrillic}\p{Script=Common}\p{Script=Inherited}])[\p{L}\p{M}]`;
const TAG_CODE = String.raw`[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]`;
const KEPT = new RegExp(
  [
    String.raw`(?<=\p{Extended_Pictographic}[\p{Emoji_Modifier}\p{Mn}\p{Me}]{0,3})\u200d(?=\p{Extended_Pictographic})`,
    String.raw`(?<=\u{1F3F4}(?=${TAG_CODE}{2,6}\u{E007F})${TAG_CODE}{0,5})${TAG_CODE}`,
    String.raw`(?<=\u{1F3F4}${TAG_CODE}{2,6})\u{E007F}`,
    String.raw`(?<=${JOINING})[\u200c-\u200d](?=${JOINING})`,
    String.raw`[\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u{110BD}\u{110CD}]`,
  ].join('|'),
  'uy',
);

/**
 * Holds none of the characters above; nearly every text is this, and testing for it costs about half the Unicode-aware
 * replace.
 */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** The same set less C0, which JSON.stringify already writes as `\u001b`. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu;

/** The three everyone reads at a glance; every other one by its code. */
const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const hex = (code: number, digits: number): string => code.toString(16).padStart(digits, '0');

/** Only these few may be kept: the test in context runs for them alone, not for every control. */
const MAYBE_KEPT =
  /^[\u200c-\u200d\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}\u{E007F}\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u{110BD}\u{110CD}]$/u;

function kept(char: string, at: number, text: string): boolean {
  if (!MAYBE_KEPT.test(char)) return false;
  KEPT.lastIndex = at;
  return KEPT.test(text);
}

/**
 * `\u{e0067}` for a character beyond U+FFFF: `\uHHHH` holds four digits, and its two halves would name neither half.
 */
function escapeOne(char: string, at: number, text: string): string {
  if (kept(char, at, text)) return char;
  const code = char.codePointAt(0) ?? 0;
  return (
    SHORT[char] ??
    (code <= 0xff ? `\\x${hex(code, 2)}` : code <= 0xffff ? `\\u${hex(code, 4)}` : `\\u{${code.toString(16)}}`)
  );
}

/**
 * `\x1b`, `\x07`, `\n`, `\x9b`, `\u202e`, `\u200b`, `\u{e0041}` in place of
 * the character. A backslash is left alone: escaping it would double every
 * one in a Windows path, and leaving it keeps the function idempotent, so
 * text escaped once (by the command line) and again (by whatever shows it)
 * reads the same.
 */
export function escapeControls(text: string): string {
  return PRINTABLE_ASCII.test(text) ? text : text.replace(UNSAFE, escapeOne);
}

/**
 * Serialized JSON made as safe as `escapeControls` makes text: JSON.stringify
 * escapes C0 already, but writes DEL, C1, the format characters and U+2028
 * and U+2029 as they are. Outside its strings JSON holds only ASCII
 * punctuation, digits and spaces, so each of these is inside a string, where
 * `\u202e` stands for the same character (and a character beyond U+FFFF for
 * its two UTF-16 halves, `\udb40\udc41`): the result parses to equal values.
 * What `escapeControls` leaves alone (an emoji's joiner, Persian's
 * half-space) stays as it is here too.
 */
export function escapeJsonControls(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (char, at: number) =>
    kept(char, at, json)
      ? char
      : Array.from({ length: char.length }, (_, half) => `\\u${hex(char.charCodeAt(half), 4)}`).join(''),
  );
}
