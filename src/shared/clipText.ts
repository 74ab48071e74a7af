/**
 * How long a text from a source may be where it enters the monitor. Anything
 * longer is cut, and says so: a 1 MB task description would otherwise ride in
 * every snapshot, and stretch its card across twelve million pixels.
 */
export const TEXT_LIMITS = {
  /** A session's task description. */
  description: 1000,
  /** An event's message, an error a source gave. */
  message: 500,
  /** A host, a status, a version: a short label. */
  label: 255,
} as const;

/** The first `head` characters of a text that held `fullLength`, marked as cut. */
export function markCut(head: string, fullLength: number): string {
  // Never end on half of a surrogate pair: an emoji cut in two shows as garbage.
  const last = head.charCodeAt(head.length - 1);
  const whole = last >= 0xd800 && last <= 0xdbff ? head.slice(0, -1) : head;
  return `${whole}… (cut from ${fullLength.toLocaleString('en')} characters)`;
}

/** The text itself when it is at most `limit` characters; otherwise its start, marked as cut. */
export function clipText(text: string, limit: number): string {
  return text.length <= limit ? text : markCut(text.slice(0, limit), text.length);
}

/** `clipText` that lets null and undefined through. */
export function clipOptional<T extends string | null | undefined>(text: T, limit: number): T {
  return (typeof text === 'string' ? clipText(text, limit) : text) as T;
}
