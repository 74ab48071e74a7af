import type { Reading } from '../core/readings';

/** A flood of bad messages between two polls keeps this many reasons; the rest are counted. */
const REASONS_KEPT = 100;

/**
 * Bad messages on the events channel since the last poll. They count against
 * the registry, like bad hash entries; each is named by its arrival, so two
 * with the same fault are two entries left out, not one read twice.
 */
export class MalformedEvents {
  private reasons: string[] = [];
  private unlisted = 0;
  private received = 0;

  add(reason: string): void {
    this.received += 1;
    if (this.reasons.length < REASONS_KEPT) this.reasons.push(`${reason} (message ${String(this.received)})`);
    else this.unlisted += 1;
  }

  /** The registry's reading with what arrived since the last poll; kept for a later poll while Redis cannot be read. */
  addTo<T>(reading: Reading<T> | null): Reading<T> | null {
    if (!reading?.ok || (this.reasons.length === 0 && this.unlisted === 0)) return reading;
    const added: Reading<T> = {
      ...reading,
      dropped: [...reading.dropped, ...this.reasons],
      droppedUnlisted: (reading.droppedUnlisted ?? 0) + this.unlisted,
    };
    this.reasons = [];
    this.unlisted = 0;
    return added;
  }
}
