/**
 * Numbers the parameters of a statement built from several fragments, so each
 * fragment can add its values without knowing how many came before it.
 */
export class Placeholders {
  readonly values: unknown[] = [];

  /** `$n::cast` for a new parameter holding `value`. */
  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${String(this.values.length)}::${cast}`;
  }
}
