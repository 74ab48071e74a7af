import { appendFile, mkdir, open, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { isMissingFile, type Screened } from './screening';
import { readJsonLine } from '../../shared/jsonLine';

/**
 * A bounded list kept in a JSON-lines file: each addition is one appended
 * line, and the file is rewritten with only the newest entries once it holds
 * twice as many as it must keep, so a write never costs the whole list.
 */
export class JsonlStore<T> {
  private lines = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private folderMade: Promise<unknown> | null = null;

  constructor(
    private readonly path: string,
    private readonly schema: z.ZodType<T>,
    private readonly limit: number,
    /**
     * The longest line kept: a file that holds longer ones (or is huge) is read no further back than the newest lines
     * can reach.
     */
    private readonly maxLineBytes = 16_384,
  ) {}

  /** The end of the file that can hold the lines kept, twice over; whole lines only. */
  private async readTail(): Promise<{ text: string; cut: boolean }> {
    const budget = 2 * this.limit * this.maxLineBytes;
    const file = await open(this.path, 'r');
    try {
      const { size } = await file.stat();
      const start = Math.max(0, size - budget);
      const buffer = Buffer.alloc(size - start);
      await file.read(buffer, 0, buffer.length, start);
      const text = buffer.toString('utf8');
      // Started mid-file: the first line is a part of one.
      return start === 0 ? { text, cut: false } : { text: text.slice(text.indexOf('\n') + 1), cut: true };
    } finally {
      await file.close();
    }
  }

  /**
   * The newest entries; lines that do not parse are left out with their line
   * numbers. Only the lines that can be kept are parsed: the file may hold
   * twice as many, and this runs before the monitor's first poll.
   */
  async load(): Promise<Screened<T[]>> {
    let tail: { text: string; cut: boolean };
    try {
      tail = await this.readTail();
    } catch (error) {
      if (isMissingFile(error)) return { value: [], dropped: [] };
      throw error;
    }
    const lines = tail.text
      .split('\n')
      .flatMap((line, index) => (line.trim() === '' ? [] : [{ line, number: index + 1 }]));
    // Counted as the whole file's, so the next append rewrites a file that was read only in part.
    this.lines = tail.cut ? 2 * this.limit : lines.length;
    const entries: T[] = [];
    const dropped: string[] = tail.cut
      ? [`${this.path}: read from its end only, as it holds more than its newest entries can fill`]
      : [];
    for (const { line, number } of lines.slice(-this.limit)) {
      const place = tail.cut ? `its last part, line` : 'line';
      if (Buffer.byteLength(line) > this.maxLineBytes) {
        dropped.push(`${this.path} ${place} ${String(number)}: longer than ${String(this.maxLineBytes)} bytes`);
        continue;
      }
      const read = readJsonLine(this.schema, line, this.path, number);
      if (read.ok) entries.push(read.value);
      else dropped.push(read.reason);
    }
    return { value: entries, dropped };
  }

  /** Resolves once every write asked for so far has finished, failed or not. */
  async flush(): Promise<void> {
    await this.queue;
  }

  /** Appends `added`; `all` is the whole list as it now stands, written instead when the file has grown too long. */
  append(added: readonly T[], all: readonly T[]): Promise<void> {
    const write = async (): Promise<void> => {
      if (added.length === 0) return;
      // Once: every poll appends, and the folder does not go away while the monitor runs.
      this.folderMade ??= mkdir(dirname(this.path), { recursive: true }).catch((error: unknown) => {
        this.folderMade = null;
        throw error;
      });
      await this.folderMade;
      if (this.lines + added.length > 2 * this.limit) {
        const kept = all.slice(-this.limit);
        const temporary = `${this.path}.tmp`;
        await writeFile(temporary, kept.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
        await rename(temporary, this.path);
        this.lines = kept.length;
      } else {
        await appendFile(this.path, added.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
        this.lines += added.length;
      }
    };
    // One write at a time, in order, whatever happened to the one before.
    const next = this.queue.then(write);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
