/** How every selector shows a figure nobody knows: a dash, never a zero that reads as a real reading. */
export const UNKNOWN = '—';
