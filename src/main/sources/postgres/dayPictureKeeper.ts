import type { DayPicture } from '../../core/readings';
import type { Screened } from '../screening';
import { pictureOf, settledAfter, type DayParts } from './dayParts';
import type { DayWindow } from './sessionShares';
import type { ChangeToken, DayRequest, SessionStore } from './sessionStore';

interface Kept {
  readonly windowKey: string;
  readonly token: ChangeToken;
  /** When the day was last read whole: what the token cannot see is bounded by this age. */
  readonly readAt: number;
  /** The parts the picture is made of; null where it was read in one piece (more running rows than are listed). */
  readonly parts: DayParts | null;
  /** Whether the last whole read found more running rows than are listed: the next is read in one piece straight away. */
  readonly manyRunning: boolean;
  readonly picture: Screened<DayPicture>;
}

/** The instants a picture covers: another day, zone or hour is another picture. */
function keyOf(window: DayWindow): string {
  const ranges = [window.day, window.today, ...window.hours].map((range) => `${range.start}-${range.end}`);
  return [window.historyDate, ...ranges].join(' ');
}

/** More running rows than the list holds: their share cannot be counted from the rows read. */
function unlisted(picture: Screened<DayPicture>): boolean {
  return picture.value.activeSessions.length < picture.value.activeTotal;
}

/**
 * Keeps the day's picture between polls and reads again only the parts a
 * change can have moved, as the change token's parts tell:
 *
 * - nothing moved: the picture stands;
 * - only the running sessions moved (one gained an agent, ended, turned
 *   unreadable, was deleted): the running rows are read again, with the rows
 *   once running that no longer are; those join the settled share, and the
 *   day's aggregate and timeline are not read;
 * - a session started (the newest start moved), the hour turned, another day
 *   is asked, or the picture is a minute old: the whole day is read.
 *
 * A mend is exact: the settled share changes only by rows leaving the running
 * set, which are read by id; a row that joined the running set without a new
 * start (its settled share would have to be taken back) means a whole read.
 * What the token cannot see (a settled row edited or deleted by hand) stands
 * until the picture's age passes `maxAgeMs`, as before.
 */
export class DayPictureKeeper {
  private kept: Kept | null = null;

  constructor(
    private readonly store: SessionStore,
    private readonly maxAgeMs: number,
  ) {}

  async picture(request: DayRequest, token: ChangeToken): Promise<Screened<DayPicture>> {
    const window = this.store.dayWindow(request);
    const windowKey = keyOf(window);
    const kept = this.kept;
    // A read that fails keeps nothing, so the next poll reads the whole day.
    this.kept = null;
    // A clock set back reads again too: its age would otherwise look young for as long as it was set back.
    const age = kept === null ? Infinity : request.now - kept.readAt;
    const current =
      kept !== null &&
      kept.windowKey === windowKey &&
      age >= 0 &&
      age < this.maxAgeMs &&
      kept.token.hour === token.hour &&
      kept.token.newest === token.newest;
    if (current && kept.token.active === token.active) {
      this.kept = kept;
      return kept.picture;
    }
    const parts = current ? kept.parts : null;
    const mended = parts === null ? null : await this.mend(parts);
    if (mended !== null && kept !== null) {
      const picture = pictureOf(mended);
      this.kept = { ...kept, token, parts: mended, picture };
      return picture;
    }
    return this.readWhole(request, window, windowKey, token, kept?.manyRunning === true);
  }

  /** The parts after a change among the running rows, or null where only a whole read is exact. */
  private async mend(parts: DayParts): Promise<DayParts | null> {
    const known = parts.running.rows.map((row) => row.id);
    if (parts.running.total > known.length) return null;
    const { running, left } = await this.store.runningChange(known);
    const before = new Set(known);
    if (running.total > running.rows.length || running.rows.some((row) => !before.has(row.id))) return null;
    return { ...parts, settled: settledAfter(parts.settled, left, parts.window), running };
  }

  private async readWhole(
    request: DayRequest,
    window: DayWindow,
    windowKey: string,
    token: ChangeToken,
    manyRunning: boolean,
  ): Promise<Screened<DayPicture>> {
    const parts = manyRunning ? null : await this.store.dayParts(request, window);
    if (parts !== null && parts.running.total <= parts.running.rows.length) {
      const picture = pictureOf(parts);
      this.kept = { windowKey, token, readAt: request.now, parts, manyRunning: false, picture };
      return picture;
    }
    // Beyond the listing limit the running rows' share is counted in SQL, in the one statement of the whole picture.
    const picture = await this.store.dayPicture(request);
    this.kept = { windowKey, token, readAt: request.now, parts: null, manyRunning: unlisted(picture), picture };
    return picture;
  }
}
