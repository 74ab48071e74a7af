/**
 * Borderless, left-aligned columns as `kubectl get`, `docker ps` and
 * `ollama ps` print them. The layout is our own, a few lines: the table
 * packages npm offers draw borders (cli-table3, table) or are unmaintained
 * (text-table). The width of a cell is string-width's.
 */
import stringWidth from 'string-width';

/** Between columns: wide enough to tell a column's end from a space inside a cell. */
const GUTTER = '   ';

/**
 * The columns a terminal gives the text: two for a wide East Asian letter or
 * an emoji, none for an accent or a joiner, so such a name does not push the
 * next column out of line (string-width, by Unicode's East Asian Width).
 */
export function displayWidth(text: string): number {
  // Printable ASCII, nearly every cell, is one column a character.
  return /^[\x20-\x7e]*$/.test(text) ? text.length : stringWidth(text);
}

/**
 * The header and rows as lines, each column padded to its widest cell, each
 * line starting with `indent` and carrying no trailing space. Cells must be
 * escaped already: a control character would make any width a lie.
 */
export function alignTable(header: readonly string[], rows: readonly (readonly string[])[], indent = '  '): string[] {
  const all = [header, ...rows];
  const columns = Math.max(...all.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(...all.map((row) => displayWidth(row[column] ?? ''))),
  );
  return all.map((row) => {
    const cells = Array.from({ length: columns }, (_, column) => {
      const cell = row[column] ?? '';
      return column === columns - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - displayWidth(cell));
    });
    return `${indent}${cells.join(GUTTER)}`.trimEnd();
  });
}
