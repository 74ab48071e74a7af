/**
 * Whether two values of the kinds JSON carries (plain objects, arrays,
 * strings, numbers, booleans, null) hold the same content, in whatever order
 * their keys come. Comparing their JSON.stringify gave the same answer, but
 * writing out both sides of every part of every snapshot cost as much as
 * validating it. Where JSON would blur a difference (a key holding undefined
 * against one that is absent, -0 against 0), this sees one: at worst a part is
 * drawn again.
 */
export function sameContent(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => sameContent(item, b[index]));
  }
  const before = a as Readonly<Record<string, unknown>>;
  const after = b as Readonly<Record<string, unknown>>;
  const keys = Object.keys(before);
  if (keys.length !== Object.keys(after).length) return false;
  return keys.every((key) => Object.hasOwn(after, key) && sameContent(before[key], after[key]));
}
