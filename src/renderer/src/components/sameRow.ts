import { sameContent } from '../store/sameContent';

/** A new snapshot brings new objects; a table row redraws only if what it shows differs. */
export function sameRow<Row>(before: { readonly row: Row }, after: { readonly row: Row }): boolean {
  return sameContent(before.row, after.row);
}
