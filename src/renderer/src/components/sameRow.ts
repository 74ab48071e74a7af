/** A new snapshot brings new objects; a table row redraws only if what it shows differs. */
export function sameRow<Row>(before: { readonly row: Row }, after: { readonly row: Row }): boolean {
  return JSON.stringify(before.row) === JSON.stringify(after.row);
}
